// Stop-gradient and stop-forward, the two gates that isolate the Petridish candidate from its parent.

import * as tf from '@tensorflow/tfjs';

/** Value x, gradient zero: the candidate cannot change the parent's layers through its inputs. */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
    value: (args[0] as tf.Tensor).clone(),
    gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
  }));
  return f(x) as T;
}

/**
 * Value exactly zero, gradient passed through unchanged: the parent's forward pass is untouched while the
 * candidate still receives the gradient at the point where it joins the cell. The value is `zerosLike`
 * rather than `x − x` so that it stays exactly zero even if the candidate's sum overflows to Inf or NaN.
 */
export function stopForward<T extends tf.Tensor>(x: T): T {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
    value: tf.zerosLike(args[0] as tf.Tensor),
    gradFunc: (dy: tf.Tensor) => dy.clone(),
  }));
  return f(x) as T;
}

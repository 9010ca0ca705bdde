// Turns dataset pixels (grayscale or RGB, uint8) into RGBA for a canvas, for the picker's example images.
import type { ImageShape } from '../../data/dataset.ts';

export function toRgba(pixels: Uint8Array, shape: ImageShape): Uint8ClampedArray<ArrayBuffer> {
  const n = shape.height * shape.width;
  const out = new Uint8ClampedArray(n * 4);
  for (let p = 0; p < n; p++) {
    const base = p * shape.channels;
    const r = pixels[base] ?? 0;
    out[p * 4] = r;
    out[p * 4 + 1] = shape.channels === 3 ? (pixels[base + 1] ?? 0) : r;
    out[p * 4 + 2] = shape.channels === 3 ? (pixels[base + 2] ?? 0) : r;
    out[p * 4 + 3] = 255;
  }
  return out;
}

/** A Svelte action: draws the image into the canvas it is attached to. */
export function drawPixels(canvas: HTMLCanvasElement, arg: { pixels: Uint8Array; shape: ImageShape }): void {
  canvas.width = arg.shape.width;
  canvas.height = arg.shape.height;
  canvas.getContext('2d')?.putImageData(new ImageData(toRgba(arg.pixels, arg.shape), arg.shape.width, arg.shape.height), 0, 0);
}

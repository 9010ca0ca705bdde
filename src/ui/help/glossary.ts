// The search's terms in plain words, for the tooltips next to them (Term.svelte) and the plot guide.

export const GLOSSARY = {
  frontier:
    'The frontier (lower convex hull): the trained models that no mix of other models beats on both error and cost. The search grows new models from it.',
  epsBand:
    'ε-band: models whose error is at most ε (a small fraction, 2.5 % by default) above the frontier line. They count as on the frontier, so the search may grow them too.',
  alpha:
    'α (architecture weights): one weight per candidate operation of a new node, learned while the candidate trains. The operations with the largest |α| are kept; the L1 weight pushes the α of unhelpful operations towards 0.',
  shape:
    'A network is a stack of cells. Normal cells keep the image size; reduction cells halve it and double the channels. Inside a cell, each node sums a few operations (convolutions, pooling) of earlier nodes.',
  madd:
    'Multiply-adds: the arithmetic the network does for one image. It measures a model’s cost (speed, energy) the same on every device.',
} as const;

export type GlossaryTerm = keyof typeof GLOSSARY;

/** The plot guide: what the frontier plot shows, in two sentences. */
export const PLOT_GUIDE =
  'Each dot is a trained model: lower is better (less validation error), further left is cheaper (fewer multiply-adds). The line is the frontier, the best trade-offs so far; the search grows new models from the models on or near it.';

/** Where the dismissal of the plot guide is remembered (localStorage). */
export const PLOT_GUIDE_KEY = 'petridish.plotGuide.dismissed';

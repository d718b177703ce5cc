"""Looking at a trained model: layer outputs, saliency, perturbations, a convolution written
out by hand, learning one kernel, a dataset as the model sees it, and evaluation."""

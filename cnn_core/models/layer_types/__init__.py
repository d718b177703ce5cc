"""The one place a layer type of the model specs is defined: :data:`LAYER_TYPES`.

Each layer type is one :class:`LayerType` (see :mod:`.base`): its settings and their checks,
its defaults, output shape, cost, the torch module it builds, its PyTorch source and the
windows of its receptive field. The spec checker (:mod:`cnn_core.models.spec_fields`,
:mod:`cnn_core.models.spec_validation`), the costs (:mod:`cnn_core.models.layer_costs`), the
builder (:mod:`cnn_core.models.specs`), the layer table (:mod:`cnn_core.models.architecture`)
and the code export (:mod:`cnn_core.checkpoints.code_export`) all read this registry. A new
layer type is one more ``LayerType`` in a family module here and one line below; the Build
tab's form for it goes in ``app/builder/layer_kinds.py`` (a test fails while it is missing).
"""

from __future__ import annotations

from .activations import ELU, LEAKY_RELU, RELU, SIGMOID, TANH
from .base import LAYER_TYPES, LayerType, SpecError
from .blocks import INCEPTION, RESIDUAL
from .conv import CONV
from .custom import EXPRESSION, SCALE, SHARED
from .linear import DROPOUT, FLATTEN, LINEAR
from .normalisation import BN
from .pooling import ADAPTIVE_AVGPOOL, AVGPOOL, MAXPOOL

__all__ = ["LAYER_TYPES", "LayerType", "SpecError", "register"]

def register(layer_type: LayerType) -> LayerType:
    """Add ``layer_type`` to :data:`LAYER_TYPES` (replacing one of the same kind)."""
    LAYER_TYPES[layer_type.kind] = layer_type
    return layer_type


for _type in (CONV, BN, MAXPOOL, AVGPOOL, ADAPTIVE_AVGPOOL, RELU, LEAKY_RELU, ELU, SIGMOID,
              TANH, DROPOUT, FLATTEN, LINEAR, RESIDUAL, INCEPTION, EXPRESSION, SCALE, SHARED):
    register(_type)

"""Every registered layer type has a form in the Build tab, and the form edits only fields
the registry knows, with the registry's defaults."""

from __future__ import annotations

from app.builder.layer_kinds import KINDS, REGISTRY, kind_of, kinds
from cnn_core.models.layer_types import LAYER_TYPES


def test_every_registered_layer_type_has_a_form(qapp):
    missing = [kind for kind in LAYER_TYPES if kind not in KINDS or kind_of(kind) is None]
    assert not missing, f"no Build-tab form in app/builder/layer_kinds.py for {missing}"
    assert sorted(KINDS) == sorted(LAYER_TYPES)
    assert [k.kind for k in kinds()] == list(KINDS)


def test_the_forms_edit_registry_fields_with_registry_defaults(qapp):
    for form in kinds():
        layer_type = LAYER_TYPES[form.kind]
        for setting in form.settings:
            assert setting.key in layer_type.settings, (form.kind, setting.key)
            assert setting.default is not REGISTRY
            if setting.key in layer_type.defaults and setting.key not in ("stride", "init"):
                assert setting.default == layer_type.defaults[setting.key], (form.kind, setting)
        for key in layer_type.required:  # a palette click adds a valid layer
            assert key in form.new, (form.kind, key)

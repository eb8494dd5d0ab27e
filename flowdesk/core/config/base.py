"""Base of the config models: lenient pydantic settings plus the raw dict each model was read from."""

from __future__ import annotations

import copy
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, PrivateAttr, ValidationError, ValidationInfo, model_validator
from pydantic_core import to_jsonable_python


# Validation context key: the data comes straight from json.loads and nobody else holds it.
OWNED_JSON = "owned_json"


class FieldProblem(ValueError):
    """A model-level validation problem that belongs to one sub-field (e.g. ``options``).

    Pydantic gives errors raised in a model validator the model's own location;
    ``config_file`` appends ``loc`` so the message points at the real field.
    """

    def __init__(self, loc: str | int | tuple[str | int, ...], message: str) -> None:
        self.loc: tuple[str | int, ...] = loc if isinstance(loc, tuple) else (loc,)
        self.message = message
        super().__init__(message)


def is_json_data(value: Any) -> bool:
    """True when ``value`` is made only of JSON types (dict with str keys, list, str, number, bool, None)."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return True
    if isinstance(value, list):
        return all(is_json_data(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and is_json_data(v) for k, v in value.items())
    return False


class ConfigModel(BaseModel):
    """A config model that keeps unknown keys and remembers the JSON dict it was validated from.

    Round-trip design: ``raw`` is a deep copy of the dict given to ``model_validate``
    (only when it is plain JSON data). ``to_json_dict()`` starts from that dict and
    replaces only the fields whose *validated* value changed, so the user's spellings
    (``tools_profiles``, ``"boolean"``, plain option values, dict-format actions),
    key order and unknown keys survive a save.
    """

    model_config = ConfigDict(extra="allow")

    # Field -> other input keys a "before" validator folds into it (``params`` <- ``parameters``);
    # they are kept while the field is unchanged and replaced by the field once it changes.
    json_key_sources: ClassVar[dict[str, tuple[str, ...]]] = {}

    _raw: dict[str, Any] | None = PrivateAttr(default=None)

    @model_validator(mode="wrap")
    @classmethod
    def _remember_raw(cls, data: Any, handler: Any, info: ValidationInfo) -> Any:
        model = handler(data)
        if isinstance(data, dict):
            if info.context and info.context.get(OWNED_JSON):
                # Parsed from a file just now and owned by this model tree alone: no check, no copy
                # (copying every nested level was most of the cost of discovering 1,000 workflows).
                model._raw = data
            elif is_json_data(data):
                model._raw = copy.deepcopy(data)
        return model

    def __eq__(self, other: object) -> bool:
        # Semantic equality: the same validated values, whatever spelling or raw dict they came from.
        if not isinstance(other, BaseModel):
            return NotImplemented
        return type(self) is type(other) and self.model_dump() == other.model_dump()

    __hash__ = None  # type: ignore[assignment]  # mutable, like BaseModel

    @property
    def raw(self) -> dict[str, Any] | None:
        """The JSON dict this model was validated from (None when built from Python objects)."""
        return self._raw

    def to_json_dict(self, original: dict[str, Any] | None = None) -> dict[str, Any]:
        """JSON-ready dict of this model, keeping ``original`` (default: ``raw``) wherever nothing changed."""
        original = original if original is not None else self._raw
        if original is None:
            return self._fresh_dict()
        fields = type(self).model_fields
        try:
            old = type(self).model_validate(original).model_dump(mode="json")
        except ValidationError:
            old = {}  # an invalid original: every field counts as changed
        new = self.model_dump(mode="json")
        changed = {k for k in fields if k not in old or new[k] != old[k]}
        source_of = {src: f for f, srcs in self.json_key_sources.items() for src in srcs}
        extras = self.__pydantic_extra__ or {}
        out: dict[str, Any] = {}
        for key, raw_value in original.items():
            if key in fields:
                out[key] = _dump_value(getattr(self, key)) if key in changed else raw_value
            elif key in source_of:
                target = source_of[key]
                if target not in changed:
                    out[key] = raw_value
                elif target not in original and target not in out:
                    out[target] = _dump_value(getattr(self, target))  # where the user had the old spelling
            else:
                # Unknown keys survive even when the model lacks them (e.g. built from a form);
                # to drop one, save a dict instead.
                out[key] = to_jsonable_python(extras[key]) if key in extras else raw_value
        for key in fields:
            if key in changed and key not in out:
                out[key] = _dump_value(getattr(self, key))
        for key, value in extras.items():
            if key not in original:
                out[key] = to_jsonable_python(value)
        return out

    def _fresh_dict(self) -> dict[str, Any]:
        """Fields that differ from their defaults, then extras: what a new file should contain."""
        out: dict[str, Any] = {}
        for key, info in type(self).model_fields.items():
            value = getattr(self, key)
            default = info.get_default(call_default_factory=True)
            if to_jsonable_python(value) != to_jsonable_python(default):
                out[key] = _dump_value(value)
        for key, value in (self.__pydantic_extra__ or {}).items():
            out[key] = to_jsonable_python(value)
        return out


def _dump_value(value: Any) -> Any:
    """JSON form of a field value, letting nested config models keep their own raw spelling."""
    if isinstance(value, ConfigModel):
        return value.to_json_dict()
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_defaults=True)
    if isinstance(value, (list, tuple)):
        return [_dump_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _dump_value(v) for k, v in value.items()}
    return to_jsonable_python(value)

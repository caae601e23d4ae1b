"""Rule settings: the values chosen where a seed leaves a distance or ratio open.

They are data, not code: each province ships ``rule_settings.yaml`` beside its rules (Shanxi:
``data/shanxi/rule_settings.yaml``), one entry per setting with its value, bound and the clause it
answers. A rule refers to a setting by name (``within_m: {setting: seven_rivers_bank_m}``), so a
deployment can change the value through the environment (prefix ``ECOZONE_RULES_``) without
editing rules. docs/rules.md lists them.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field, create_model
from pydantic_settings import BaseSettings, SettingsConfigDict

from ecozone.errors import BadInput
from ecozone.settings import get_settings

SETTINGS_FILE = "rule_settings.yaml"


class _RuleSettingsBase(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ECOZONE_RULES_", env_file=".env", extra="ignore")


def _field(name: str, entry: Any, path: Path) -> tuple[type, Any]:
    if not isinstance(entry, dict) or "value" not in entry or not entry.get("why"):
        raise BadInput(f"{path}: setting {name!r} needs a value and why (the clause it answers)", field=name)
    bounds = {k: entry[k] for k in ("gt", "ge") if k in entry}
    return float, Field(default=float(entry["value"]), description=str(entry["why"]), **bounds)


def settings_model(path: Path) -> type[BaseSettings]:
    """The settings class of one province's ``rule_settings.yaml``: one float field per entry,
    defaulting to the file's value and overridable by ``ECOZONE_RULES_<NAME>``. A province that
    ships no file has no settings (its rules cannot refer to any)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {"settings": {}}
    entries = data.get("settings")
    if not isinstance(entries, dict):
        raise BadInput(f"{path}: expected a mapping 'settings' of name → entry", field="settings")
    fields = {name: _field(name, entry, path) for name, entry in entries.items()}
    return create_model("RuleSettings", __base__=_RuleSettingsBase, **fields)


# The served province's settings class (ECOZONE_DATA_DIR / ECOZONE_PROVINCE) (``RuleSettings()`` reads the environment on creation).
RuleSettings = settings_model(get_settings().province_dir / SETTINGS_FILE)


@lru_cache(maxsize=1)
def get_rule_settings() -> BaseSettings:
    """The process-wide rule settings (read once from the environment)."""
    return RuleSettings()

"""Turn one folder into a registry entry, reporting every fault instead of raising."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from flowdesk.core.config import (
    InterfaceConfig,
    errors_from_validation,
    load_interface_config,
    load_tool_config,
    load_workflow_config,
)
from flowdesk.core.errors import ConfigError, ConfigErrors
from flowdesk.core.registry.entries import InterfaceEntry, ToolEntry, WorkflowEntry, fingerprint
from flowdesk.core.registry.code_actions import read_code_actions
from flowdesk.core.registry.source_inspection import SEED_INTERFACE_CONSTANTS, inspect_source
from flowdesk.core.registry.tool_class_finder import ModuleLocator, ToolClassFinder, pick_tool_class
from flowdesk.core.translatable import message_template, translatable

RESERVED_ROUTES = ("/api", "/health", "/oauth", "/auth", "/docs")
MISSING_CONFIG = message_template("Registry", "{path}: config.json is missing")
MISSING_MAIN = message_template("Registry", "{path}: main.py is missing")
NO_EXECUTE = message_template("Registry", "{path}: main.py defines no execute(data, tools) function")


def is_entry_folder(path: Path) -> bool:
    """Folders that may hold an entry: not hidden, not private (``_x``), not caches."""
    return path.is_dir() and not path.name.startswith((".", "_"))


def _config_error_text(exc: ConfigErrors) -> str:
    """Every error of the file on one line, "; " between them (each stays translatable)."""
    rendered = [e.render() for e in exc.errors]
    text = rendered[-1] if rendered else ""
    for earlier in reversed(rendered[:-1]):
        text = translatable("Registry", "{first}; {rest}", first=earlier, rest=text)
    return text


def load_workflow(folder: Path) -> WorkflowEntry:
    """Read ``config.json`` and inspect ``main.py`` of a workflow folder."""
    entry = WorkflowEntry(kind="workflow", slug=folder.name, path=folder)
    entry.stamp = fingerprint(entry.config_path, entry.main_path)
    if not entry.config_path.is_file():
        entry.error = MISSING_CONFIG(path=str(entry.config_path))
        return entry
    try:
        entry.config = load_workflow_config(entry.config_path)
    except ConfigErrors as exc:
        entry.error = _config_error_text(exc)
        return entry
    if not entry.main_path.is_file():
        entry.error = MISSING_MAIN(path=str(entry.main_path))
        return entry
    facts = inspect_source(entry.main_path)
    if facts.error:
        entry.error = f"{entry.main_path}: {facts.error}"
        return entry
    if not facts.defines("execute"):
        entry.error = NO_EXECUTE(path=str(entry.main_path))
        return entry
    entry.has_validate_data = facts.defines("validate_data")
    given = entry.config.model_fields_set
    if "inputs_schema" not in given and "get_required_inputs" in facts.functions:
        if "get_required_inputs" in facts.literal_returns:
            entry.seed_inputs = facts.literal_returns["get_required_inputs"]
        else:
            entry.needs_probe = True
    if not ({"tool_profiles", "tools_profiles"} & given) and "get_tools_profiles" in facts.functions:
        if "get_tools_profiles" in facts.literal_returns:
            entry.seed_profiles = facts.literal_returns["get_tools_profiles"]
        else:
            entry.needs_probe = True
    return entry


def load_tool(folder: Path, *, builtin: bool) -> ToolEntry:
    """Read a tool folder's ``config.json`` and find its BaseTool subclass in ``main.py``."""
    entry = ToolEntry(kind="tool", slug=folder.name, path=folder, builtin=builtin)
    config_path, main_path = folder / "config.json", folder / "main.py"
    entry.stamp = fingerprint(config_path, main_path)
    if not config_path.is_file():
        entry.error = MISSING_CONFIG(path=str(config_path))
        return entry
    try:
        entry.config = load_tool_config(config_path)
    except ConfigErrors as exc:
        entry.error = _config_error_text(exc)
        return entry
    if not main_path.is_file():
        entry.error = MISSING_MAIN(path=str(main_path))
        return entry
    facts = inspect_source(main_path)
    if facts.error:
        entry.error = f"{main_path}: {facts.error}"
        return entry
    # Bases are followed through the workspace's own modules and the seed's base classes.
    finder = ToolClassFinder(ModuleLocator(folder.parent))
    entry.class_name = entry.config.class_name or pick_tool_class(facts, finder.tool_classes(main_path, facts)) \
        or pick_tool_class(facts, finder.imported_tool_classes(main_path, facts))
    if entry.class_name is None:
        entry.error = translatable("Registry", "{path}: main.py defines no subclass of BaseTool", path=str(main_path))
    elif entry.class_name not in facts.classes and entry.class_name not in facts.imports:
        entry.error = translatable("Registry", "{path}: class_name: main.py defines no class {name}", path=str(config_path),
                                   name=entry.class_name)
    else:
        where = (main_path, facts, entry.class_name) if entry.class_name in facts.classes else \
            finder.resolve(main_path, facts, entry.class_name)
        found = read_code_actions(finder, *where) if where else None
        entry.code_actions = found.names if found else []
        if found and found.unreadable:
            entry.warnings.append(found.unreadable)
    # An edit of a workspace base module changes what this entry says: stamp those files too.
    entry.base_files = finder.workspace_files(main_path)
    entry.stamp += fingerprint(*entry.base_files)
    return entry


def _interface_from_main(main_path: Path, slug: str) -> tuple[InterfaceConfig | None, str | None]:
    """Seed interfaces keep their metadata as constants in a FastAPI ``main.py``: read them, never import."""
    facts = inspect_source(main_path)
    if facts.error:
        return None, f"{main_path}: {facts.error}"
    values = {k.lower(): facts.constants.get(k) for k in SEED_INTERFACE_CONSTANTS if facts.constants.get(k)}
    data = {"name": slug, **values}
    try:
        return InterfaceConfig.model_validate(data), None
    except ValidationError as exc:
        return None, _config_error_text(errors_from_validation(main_path, exc, data))


def _src_outside(entry: InterfaceEntry, where: Path) -> str | None:
    """Why ``entry.src_dir`` cannot be served (a link or path out of the interface folder), or None."""
    root = entry.path.resolve()
    try:
        target = entry.src_dir.resolve()
    except (OSError, RuntimeError) as exc:  # a symlink loop
        return ConfigError(where, "src", f"'{entry.src_dir}' cannot be resolved: {exc}").render()
    if target == root or root in target.parents:
        return None
    # The configured value was already vetted by InterfaceConfig, so only a symlink gets here.
    name = entry.config.src_folder if entry.config is not None else "src"
    return ConfigError(where, "src", f"'{name}' resolves to {target}, outside the interface folder {entry.path}; "
                       "interface files must live inside it").render()


def load_interface(folder: Path, *, builtin: bool = False) -> InterfaceEntry:
    """Read an interface's metadata (config.json, else seed main.py constants) and check its src folder."""
    entry = InterfaceEntry(kind="interface", slug=folder.name, path=folder, builtin=builtin)
    config_path, main_path = folder / "config.json", folder / "main.py"
    # Stamped before reading so an edit made while we read still shows as a change; the src index
    # is stamped once config.json has said which folder it is (Registry._stamp_of does the same).
    entry.stamp = fingerprint(config_path, main_path)
    if config_path.is_file():
        entry.source = "config.json"
        try:
            entry.config = load_interface_config(config_path)
        except ConfigErrors as exc:
            entry.error = _config_error_text(exc)
            entry.stamp += fingerprint(entry.src_dir / "index.html")
            return entry
    elif main_path.is_file():
        entry.source = "main.py"
        entry.config, entry.error = _interface_from_main(main_path, folder.name)
        if entry.error:
            entry.stamp += fingerprint(entry.src_dir / "index.html")
            return entry
    else:
        entry.config = InterfaceConfig.model_validate({"name": folder.name})
    entry.stamp += fingerprint(entry.src_dir / "index.html")
    where = {"config.json": config_path, "main.py": main_path}.get(entry.source, folder)
    outside = _src_outside(entry, where)
    index = entry.src_dir / "index.html"
    if outside:
        entry.error = outside
    elif any(entry.route == r or entry.route.startswith(r + "/") for r in RESERVED_ROUTES):
        entry.error = translatable("Registry", "{path}: route: {route} is reserved by FlowDesk", path=str(where),
                                   route=entry.route)
    elif not index.is_file():
        # A warning, not a fault: the folder's other files are still served (a page being written,
        # or one that links straight to another file), only the route itself answers 404.
        entry.warnings.append(translatable(
            "Registry", "{path}: {folder}/index.html is missing, so {route}/ answers 404 (the interface's other files "
            "are served)", path=str(index), folder=entry.config.src_folder, route=entry.route.rstrip("/")))
    return entry

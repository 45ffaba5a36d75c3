"""The operation graph: which operation's response can fill which operation's parameter.

An edge `A → B.p` means a field of A's response yields a value for B's parameter `p`. It is found from the spec:

- the *entities* a response carries: the named schemas (`Repository`, `ArtistObject`), whether one or a list, and
  where they sit (`@`, `[*]`, `data[*]`, `artists.items[*]`), found by walking the success response schema;
- the *noun* of a parameter: its name without `id`/`_id`/`Id` (`playlist_id` → playlist, `repo` → repo), or the
  literal path segment before it (`/artists/{id}` → artist, `/issues/{index}` → issue);
- a noun matches an entity when their words agree (singular/plural, `repo` ~ `repository`), and the field is the
  parameter's own name, `id`, `number` (for an index), `uri`, `name` or `login` — whichever the entity has;
- OpenAPI `links` from A's response to B name the edge outright.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from apiforge.ask.fields import name_words, singular
from apiforge.spec.model import SCHEMA_REF_PREFIX, Api, Operation

__all__ = ["ALIASES", "Entity", "FieldMatch", "entity_field", "link_targets", "param_noun", "response_entities"]

_ID_WORDS = {"id", "ids", "uuid", "gid", "key", "slug", "sid", "index", "number", "num", "no", "ref", "uri", "uris"}
ALIASES = {
    "repo": {"repository", "repo"},
    "repository": {"repository", "repo"},
    "org": {"organization", "org", "organisation"},
    "organization": {"organization", "org"},
    "user": {"user", "member", "account", "owner", "login", "person"},
    "username": {"user", "member", "account"},
    "owner": {"user", "owner", "organization", "account"},
    "member": {"member", "user"},
    "pr": {"pull", "pullrequest"},
    "pull": {"pull", "pullrequest"},
    "channel": {"channel", "conversation"},
    "conversation": {"conversation", "channel"},
    "issue": {"issue"},
    "index": {"issue", "pull"},
}
_NAME_FIELDS = ("name", "login", "username", "title", "full_name", "display_name", "email", "slug", "tag_name")
_SKIP_ENTITY_WORDS = {"object", "simplified", "paging", "response", "list", "result", "results", "model", "dto",
                      "full", "public", "private", "saved", "item", "items", "schema", "data", "v1", "v2",
                      "api", "compact", "summary", "base", "short", "mini", "minimal", "basic", "resource",
                      "record", "entity", "info"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Entity:
    """Objects of one kind that a response carries."""

    name: str
    """The schema name (`Repository`) or, for an anonymous schema, the property or path word it sits under."""
    words: frozenset[str]
    """Singular lower-case words of the name, without noise (`PagingArtistObject` → {artist})."""
    selector: str
    """JMESPath from the body to the object (`@`) or to the list of objects (`[*]`, `data[*]`, `artists.items[*]`)."""
    is_list: bool
    properties: dict[str, dict[str, Any]]
    """Property name → its schema (top-level `$ref`s resolved)."""
    assumed: bool = False
    """True when the spec does not describe the response: the entity is a guess from the path."""


@dataclass(frozen=True, slots=True)
class FieldMatch:
    """How to read a value for a parameter out of one entity."""

    field: str
    """The selector inside one entity object (`id`, `name`, `owner.login`)."""
    score: float


_GENERATED = {"get", "post", "put", "patch", "delete", "id", "200", "201", "json", "application", "content"}


def _words(name: str) -> set[str]:
    return {singular(w) for w in name_words(name) if w not in _SKIP_ENTITY_WORDS and w not in _GENERATED
            and not w.isdigit()}  # fmt: skip


def _generated(name: str) -> bool:
    """A schema name a bundler made up from the path (`v2_droplets_droplet_id_firewalls_get_200_firewalls`)."""
    words = name_words(name)
    return any(w.isdigit() for w in words) and any(w in ("get", "post", "put", "patch", "delete") for w in words)


def _ref_name(schema: dict[str, Any]) -> str:
    ref = schema.get("$ref", "") if isinstance(schema, dict) else ""
    return ref[len(SCHEMA_REF_PREFIX) :] if ref.startswith(SCHEMA_REF_PREFIX) else ""


def _raw_props(api: Api, schema: dict[str, Any], depth: int = 0) -> dict[str, dict[str, Any]]:
    """Property schemas as written (with `$ref`s, for their names), `allOf` parts merged."""
    out: dict[str, dict[str, Any]] = {}
    for part in schema.get("allOf") or []:
        out.update(_raw_props(api, api.resolve_schema(part), depth + 1) if depth < 4 else {})
    for key, prop in (schema.get("properties") or {}).items():
        out[key] = prop if isinstance(prop, dict) else {}
    return out


def _props(api: Api, schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {k: api.resolve_schema(v) for k, v in _raw_props(api, schema).items()}


def _is_array(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "array" or "items" in schema


_ENTITY_CACHE: dict[tuple[str, str, str, int], list[Entity]] = {}


def response_entities(api: Api, op: Operation) -> list[Entity]:
    """Every entity (object kind) the success response carries, shallowest first (memoised per operation)."""
    key = (api.id, api.version, op.id, len(api.schemas))
    if key not in _ENTITY_CACHE:
        if len(_ENTITY_CACHE) > 20000:
            _ENTITY_CACHE.clear()
        _ENTITY_CACHE[key] = _response_entities(api, op)
    return _ENTITY_CACHE[key]


def _response_entities(api: Api, op: Operation) -> list[Entity]:
    response = None
    for r in op.responses:
        if r.status.startswith("2") or r.status == "default":
            for media_type, media in r.content.items():
                if "json" in media_type or media_type == "*/*":
                    response = media.schema
                    break
        if response is not None:
            break
    literal = [s for s in op.path.split("/") if s and "{" not in s]
    fallback = literal[-1] if literal else op.id
    if not response:
        return _undescribed(op, fallback)
    found: list[Entity] = []
    _walk(api, response, "", fallback, found, 0, seen=set())
    return found


#: Properties assumed for an entity whose response the spec does not describe (Trello's `200: Success`).
ASSUMED = {"id": {"type": "string"}, "name": {"type": "string"}}


def _undescribed(op: Operation, word: str) -> list[Entity]:
    """A GET whose response has no schema still names what it returns: `/members/{id}/boards` → a list of boards,
    `/cards/{id}` → one card. Assumed to carry `id` and `name` (`Entity.assumed`, scored lower)."""
    if op.method != "GET":
        return []
    segments = [s for s in op.path.split("/") if s]
    is_list = bool(segments) and "{" not in segments[-1]
    if not is_list and len(segments) >= 2:
        word = segments[-2]
    words = _words(word)
    if not words:
        return []
    return [Entity(word, frozenset(words), "[*]" if is_list else "@", is_list, dict(ASSUMED), assumed=True)]


def _walk(
    api: Api, schema: dict[str, Any], selector: str, hint: str, out: list[Entity], depth: int, seen: set[str]
) -> None:
    if depth > 3 or not isinstance(schema, dict):
        return
    name = _ref_name(schema) or hint
    resolved = api.resolve_schema(schema)
    if _ref_name(schema):
        if _ref_name(schema) in seen:
            return
        seen = seen | {_ref_name(schema)}
    if _is_array(resolved):
        items = resolved.get("items") or {}
        item_name = _ref_name(items) or singular(hint)
        if _generated(item_name):
            item_name = singular(hint)
        item = api.resolve_schema(items)
        props = _props(api, item)
        list_selector = f"{selector}[*]" if selector else "[*]"
        if props:
            out.append(Entity(item_name, frozenset(_words(item_name)), list_selector, True, props))
        return
    raw = _raw_props(api, resolved)
    props = {k: api.resolve_schema(v) for k, v in raw.items()}
    if not props:
        return
    words = _words(name)
    lists = {k for k, p in props.items() if _is_array(p)}
    container = not words or bool(lists & _LISTS)
    if not container or "id" in props:
        out.append(Entity(name, frozenset(words), selector or "@", False, props))
    for key, prop in raw.items():
        sub = props[key]
        inner = _props(api, sub) if not _is_array(sub) else {}
        paging = any(_is_array(p) for p in inner.values())
        wrapped = bool(inner) and "id" not in props and "id" in inner  # {ok: true, user: {...}}
        if key in lists or ((paging or wrapped) and depth < 2 and key not in ("owner", "parent", "author", "links")):
            child_hint = key if key not in _LISTS else hint
            child = f"{selector}.{key}" if selector else key
            _walk(api, prop, child, child_hint, out, depth + 1, seen)


_LISTS = {"data", "items", "results", "records", "entries", "values", "objects", "rows", "hits", "value", "list",
          "channels", "members", "users", "cards", "boards", "lists", "tasks", "projects", "workspaces"}  # fmt: skip


def param_noun(op: Operation, name: str) -> set[str]:
    """The resource words a parameter names: `playlist_id` → {playlist}; `id` in `/artists/{id}` → {artist}."""
    words = [w for w in name_words(name)]
    nouns = {singular(w) for w in words if w not in _ID_WORDS}
    segments = [s for s in op.path.split("/") if s]
    token = "{" + name + "}"
    if token in segments:
        index = segments.index(token)
        before = segments[index - 1] if index > 0 else ""
        if before and "{" not in before and (not nouns or words[-1] in _ID_WORDS):
            nouns |= {singular(w) for w in name_words(before)}
    elif not nouns and name in ("ids", "uris"):
        literal = [s for s in segments if "{" not in s and s not in ("me", "v1", "api")]
        if literal:
            nouns |= {singular(w) for w in name_words(literal[-1])}
    expanded = set(nouns)
    for noun in nouns:
        expanded |= ALIASES.get(noun, set())
    return expanded


def nouns_match(nouns: set[str], entity: Entity) -> bool:
    if not nouns or not entity.words:
        return False
    entity_words = set(entity.words)
    for word in list(entity_words):
        entity_words |= ALIASES.get(word, set())
    return bool(nouns & entity_words)


def entity_field(name: str, schema: dict[str, Any], entity: Entity, nouns: set[str]) -> FieldMatch | None:
    """Which field of `entity` fills parameter `name` (None when none does)."""
    props = entity.properties
    words = name_words(name)
    matched = nouns_match(nouns, entity)
    if name in props and name != "id":
        sub = props[name]
        if sub.get("properties"):
            for inner in ("login", "username", "name", "id"):
                if inner in (sub.get("properties") or {}):
                    return FieldMatch(f"{name}.{inner}", 2.5 if matched else 1.5)
        return FieldMatch(name, 3.0 if matched else 1.5)
    if not matched:
        return None
    last = words[-1] if words else ""
    if len(words) > 1 and words[0] == "id":  # Trello's `idBoard`, `idMember`
        last = "id"
    if last in ("index", "number", "num", "no") and "number" in props:
        return FieldMatch("number", 3.0)
    if last in ("uri", "uris") and "uri" in props:
        return FieldMatch("uri", 3.0)
    if last in ("id", "ids", "uuid", "gid", "sid") or last == "id" or name == "id":
        for key in ("id", "uuid", "gid", f"{'_'.join(words[:-1])}_id"):
            if key in props:
                return FieldMatch(key, 3.0)
    if last in ("slug",) and "slug" in props:
        return FieldMatch("slug", 3.0)
    if last in ("username", "login", "user", "owner", "member"):
        for key in ("login", "username", "name"):
            if key in props:
                return FieldMatch(key, 2.5)
    if last in ("name", "tag"):
        for key in ("name", "tag_name"):
            if key in props:
                return FieldMatch(key, 2.5)
    kind = schema.get("type", "string")
    if last not in _ID_WORDS:  # a bare noun (`repo`, `customer`, `channel`): a name for strings, else the id
        order = ("name", "login", "id") if kind == "string" and "name" in props else ("id", "name", "login")
        if kind in ("integer", "number"):
            order = ("id", "number")
        for key in order:
            if key in props:
                return FieldMatch(key, 2.0)
    for key in ("id", "uuid"):
        if key in props:
            return FieldMatch(key, 1.5)
    return None


def name_field(entity: Entity) -> str:
    """The field people name an entity by (`name`, `login`, `title`, `email`), '' when it has none."""
    for key in _NAME_FIELDS:
        if key in entity.properties:
            return key
    return ""


def link_targets(api: Api, op: Operation) -> dict[tuple[str, str], str]:
    """OpenAPI links of `op`'s responses: (target operation id, parameter) → runtime expression."""
    out: dict[tuple[str, str], str] = {}
    for response in op.responses:
        for link in response.links.values():
            if not isinstance(link, dict):
                continue
            target = link.get("operationId") or ""
            if not target and link.get("operationRef"):
                match = re.search(r"paths/(.+)/(get|put|post|delete|patch)$", str(link["operationRef"]))
                if match:
                    path = match.group(1).replace("~1", "/")
                    method = match.group(2).upper()
                    target = next((o.id for o in api.operations if o.path == path and o.method == method), "")
            for param, expr in (link.get("parameters") or {}).items():
                out[(str(target), str(param).split(".")[-1])] = str(expr)
    return out

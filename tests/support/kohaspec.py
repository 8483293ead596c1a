"""Koha's OpenAPI (Swagger 2.0) spec as a test oracle for requests and responses.

``KohaSpec.load`` reads ``swagger.yaml`` plus the copied ``paths/`` and ``definitions/``
files, keeps only the routes whose files were copied (see openapi/MANIFEST.txt) and
resolves every ``$ref``. ``validate_request`` / ``validate_response`` check traffic the
way Koha's Mojolicious::Plugin::OpenAPI (JSON::Validator) would, and raise
``SpecViolation`` otherwise:

* undeclared query parameters are refused (Koha answers 400 "Malformed query string");
* parameter types, enums and formats are checked, required parameters must be present;
* ``x-koha-embed`` is only allowed where declared, each value from the declared enum;
* bodies: content type among the operation's ``consumes`` (JSON by default), JSON
  bodies validated with Draft 4 + formats ``date``, ``date-time``, ``email`` (Koha's
  nullable ``type: [string, "null"]`` lists and ``additionalProperties: false`` kept
  strict; Swagger's ``x-nullable`` honoured).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import jsonschema
import pytest
import requests
import requests.adapters
import requests.structures
import yaml

BASE_PATH = "/api/v1"
JSON_TYPES = ("application/json",)
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# Koha reads these headers itself; sending one to an operation that does not declare it
# is refused (x-koha-embed: "Embedding objects is not allowed on this endpoint") or
# silently ignored, which is a bug on our side either way.
STRICT_HEADERS = (
    "x-koha-embed",
    "x-koha-override",
    "x-confirm-not-duplicate",
    "x-framework-id",
    "x-record-schema",
    "x-record-source-id",
)
_DESCRIBED_TYPE = re.compile(r"^\s*\*\s*(application/[\w.+-]+|text/[\w.+-]+)\s*:", re.M)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATE_TIME = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"
)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")


class SpecViolation(AssertionError):
    """A request or response that Koha's OpenAPI spec does not allow."""


def _format_checker() -> jsonschema.FormatChecker:
    checker = jsonschema.FormatChecker(formats=())

    @checker.checks("date", raises=ValueError)
    def is_date(value: object) -> bool:
        if not isinstance(value, str):
            return True
        if not _DATE.match(value):
            return False
        dt.date.fromisoformat(value)
        return True

    @checker.checks("date-time", raises=ValueError)
    def is_date_time(value: object) -> bool:
        if not isinstance(value, str):
            return True
        match = _DATE_TIME.match(value)
        if not match:
            return False
        dt.date.fromisoformat(match.group(1))
        hour, minute, second = (int(match.group(i)) for i in (2, 3, 4))
        return hour < 24 and minute < 60 and second < 61

    @checker.checks("email")
    def is_email(value: object) -> bool:
        return not isinstance(value, str) or bool(_EMAIL.match(value))

    return checker


FORMATS = _format_checker()


def _pointer(doc: Any, pointer: str) -> Any:
    node = doc
    for raw in pointer.lstrip("/").split("/") if pointer.strip("/") else []:
        key = raw.replace("~1", "/").replace("~0", "~")
        node = node[int(key)] if isinstance(node, list) else node[key]
    return node


class _Resolver:
    """Loads YAML files relative to each other and inlines every ``$ref``."""

    def __init__(self) -> None:
        self._files: dict[Path, Any] = {}
        self._stack: list[tuple[Path, str]] = []

    def load(self, path: Path) -> Any:
        path = path.resolve()
        if path not in self._files:
            self._files[path] = yaml.safe_load(path.read_text(encoding="utf-8"))
        return self._files[path]

    def target(self, ref: str, base: Path) -> tuple[Path, str]:
        file_part, _, pointer = ref.partition("#")
        path = (base.parent / file_part).resolve() if file_part else base.resolve()
        return path, pointer

    def resolve(self, node: Any, base: Path) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                path, pointer = self.target(node["$ref"], base)
                key = (path, pointer)
                if key in self._stack:
                    raise SpecViolation(f"circular $ref {node['$ref']} in {base}")
                self._stack.append(key)
                try:
                    return self.resolve(_pointer(self.load(path), pointer), path)
                finally:
                    self._stack.pop()
            return {k: self.resolve(v, base) for k, v in node.items()}
        if isinstance(node, list):
            return [self.resolve(v, base) for v in node]
        return node


def _nullable(schema: Any) -> Any:
    """Swagger 2.0 ``x-nullable: true`` → JSON-Schema type list with ``"null"``."""
    if isinstance(schema, list):
        return [_nullable(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: _nullable(v) for k, v in schema.items()}
    if out.get("x-nullable") is True and "type" in out:
        types = out["type"] if isinstance(out["type"], list) else [out["type"]]
        if "null" not in types:
            out["type"] = [*types, "null"]
    return out


def _mime(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return None


class _Route:
    def __init__(self, template: str, item: dict[str, Any]) -> None:
        self.template = template
        self.item = item
        names = re.findall(r"{([^}]+)}", template)
        self.nparams = len(names)
        pattern = re.escape(template)
        for name in names:
            pattern = pattern.replace(re.escape("{" + name + "}"), f"(?P<{name}>[^/]+)")
        self.regex = re.compile(f"^{pattern}$")


class KohaSpec:
    """The loaded, resolved spec and the validators built from it."""

    def __init__(self, root: dict[str, Any], paths: dict[str, dict[str, Any]]) -> None:
        self.root = root
        self.paths = paths
        self.base_path: str = root.get("basePath", BASE_PATH)
        self.info: dict[str, Any] = root.get("info", {})
        self._routes = sorted(
            (_Route(t, item) for t, item in paths.items()),
            key=lambda r: (r.nparams, -len(r.template)),
        )

    @classmethod
    def load(cls, openapi_dir: Path) -> KohaSpec:
        """Read the spec folder; routes whose path file or key is missing are dropped."""
        resolver = _Resolver()
        root_file = (Path(openapi_dir) / "swagger.yaml").resolve()
        root = resolver.load(root_file)
        paths: dict[str, dict[str, Any]] = {}
        for template, entry in root.get("paths", {}).items():
            ref = entry.get("$ref") if isinstance(entry, dict) else None
            if ref is None:
                paths[template] = _nullable(resolver.resolve(entry, root_file))
                continue
            path, pointer = resolver.target(ref, root_file)
            if not path.is_file():
                continue
            try:
                _pointer(resolver.load(path), pointer)
            except (KeyError, IndexError, TypeError):
                continue
            paths[template] = _nullable(resolver.resolve(entry, root_file))
        info = {k: v for k, v in root.items() if k not in ("paths", "definitions")}
        return cls(copy.deepcopy(info), paths)

    # -- routing -------------------------------------------------------------------

    def _split(self, url_or_path: str) -> tuple[str, str]:
        parts = urlsplit(url_or_path)
        path = parts.path
        index = path.find(self.base_path + "/")
        if index < 0 and path.endswith(self.base_path):
            return "/", parts.query
        if index < 0:
            raise SpecViolation(f"{url_or_path}: not under {self.base_path}")
        return path[index + len(self.base_path):] or "/", parts.query

    def _match(self, method: str, url_or_path: str) -> tuple[_Route, dict[str, str], dict]:
        path, _ = self._split(url_or_path)
        found_path = False
        for route in self._routes:
            match = route.regex.match(path)
            if not match:
                continue
            found_path = True
            operation = route.item.get(method.lower())
            if operation is not None:
                params = {k: unquote(v) for k, v in match.groupdict().items()}
                return route, params, operation
        if found_path:
            raise SpecViolation(f"{method.upper()} not allowed on {path}")
        raise SpecViolation(f"no route for {path} in Koha's spec")

    def operation(self, method: str, url_or_path: str) -> dict[str, Any]:
        """The operation object for a method and a concrete URL or path."""
        return self._match(method, url_or_path)[2]

    def template(self, method: str, url_or_path: str) -> str:
        """The templated path (``/biblios/{biblio_id}``) a concrete URL matches."""
        return self._match(method, url_or_path)[0].template

    def parameters(self, method: str, url_or_path: str) -> list[dict[str, Any]]:
        route, _, operation = self._match(method, url_or_path)
        merged = {(p["in"], p["name"]): p for p in route.item.get("parameters", [])}
        merged.update({(p["in"], p["name"]): p for p in operation.get("parameters", [])})
        return list(merged.values())

    # -- requests ------------------------------------------------------------------

    def validate_request(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        body: bytes | str | None,
    ) -> None:
        """Raise ``SpecViolation`` if Koha's request validation would refuse this."""
        where = f"{method.upper()} {url}"
        _, path_values, operation = self._match(method, url)
        params = self.parameters(method, url)
        by_in: dict[str, dict[str, dict[str, Any]]] = {}
        for p in params:
            key = p["name"].lower() if p["in"] == "header" else p["name"]
            by_in.setdefault(p["in"], {})[key] = p

        for name, value in path_values.items():
            spec = by_in.get("path", {}).get(name)
            if spec is None:
                raise SpecViolation(f"{where}: path parameter {name} not declared")
            _check_param(spec, [value], where)

        query: dict[str, list[str]] = {}
        for key, value in parse_qsl(self._split(url)[1], keep_blank_values=True):
            query.setdefault(key, []).append(value)
        declared_query = by_in.get("query", {})
        for name, values in query.items():
            spec = declared_query.get(name)
            if spec is None:
                raise SpecViolation(f"{where}: query parameter {name!r} not declared")
            _check_param(spec, values, where)
            if name == "q":
                for value in values:
                    try:
                        json.loads(value)
                    except ValueError as exc:
                        raise SpecViolation(f"{where}: q is not JSON: {value!r}") from exc

        declared_headers = by_in.get("header", {})
        for name, value in headers.items():
            spec = declared_headers.get(name.lower())
            if spec is not None:
                _check_param(spec, [value], where)
            elif name.lower() in STRICT_HEADERS:
                raise SpecViolation(f"{where}: header {name} not declared for this route")

        for location, declared in by_in.items():
            for name, spec in declared.items():
                if not spec.get("required") or location in ("body", "formData"):
                    continue
                present = {
                    "path": name in path_values,
                    "query": name in query,
                    "header": _header(headers, name) is not None,
                }.get(location, True)
                if not present:
                    raise SpecViolation(f"{where}: required {location} parameter {name} missing")

        self._check_body(operation, by_in, headers, body, where)

    def _check_body(
        self,
        operation: dict[str, Any],
        by_in: dict[str, dict[str, dict[str, Any]]],
        headers: Mapping[str, str],
        body: bytes | str | None,
        where: str,
    ) -> None:
        raw = body.encode("utf-8") if isinstance(body, str) else body
        body_param = next(iter(by_in.get("body", {}).values()), None)
        form_params = by_in.get("formData", {})
        if not raw:
            if body_param is not None and body_param.get("required"):
                raise SpecViolation(f"{where}: a request body is required")
            missing = [n for n, p in form_params.items() if p.get("required")]
            if missing:
                raise SpecViolation(f"{where}: form fields missing: {', '.join(missing)}")
            return
        mime = _mime(_header(headers, "Content-Type"))
        if form_params:
            if mime not in FORM_TYPES:
                raise SpecViolation(f"{where}: form data expected, got {mime or 'no type'}")
            self._check_form(form_params, raw, where)
            return
        consumes = operation.get("consumes") or self.root.get("consumes")
        if not consumes:
            described = _DESCRIBED_TYPE.findall(operation.get("description", ""))
            consumes = described if body_param is None and described else list(JSON_TYPES)
        if mime not in consumes:
            raise SpecViolation(f"{where}: content type {mime or 'none'} not in {consumes}")
        if mime in JSON_TYPES:
            try:
                document = json.loads(raw)
            except ValueError as exc:
                raise SpecViolation(f"{where}: body is not JSON") from exc
            if body_param is None:
                raise SpecViolation(f"{where}: this operation takes no JSON body")
            _validate_schema(
                body_param.get("schema", {}), document, f"{where} body", request=True
            )

    @staticmethod
    def _check_form(form_params: dict[str, dict[str, Any]], raw: bytes, where: str) -> None:
        fields: dict[str, list[str]] = {}
        for key, value in parse_qsl(raw.decode("utf-8"), keep_blank_values=True):
            fields.setdefault(key, []).append(value)
        for name, values in fields.items():
            spec = form_params.get(name)
            if spec is None:
                raise SpecViolation(f"{where}: form field {name!r} not declared")
            _check_param(spec, values, where)
        missing = [n for n, p in form_params.items() if p.get("required") and n not in fields]
        if missing:
            raise SpecViolation(f"{where}: form fields missing: {', '.join(missing)}")

    # -- responses -----------------------------------------------------------------

    def validate_response(
        self,
        method: str,
        url: str,
        status: int,
        headers: Mapping[str, str],
        body: bytes | str | None,
    ) -> None:
        """Raise ``SpecViolation`` unless the status and body are what the spec declares."""
        where = f"{method.upper()} {url} -> {status}"
        operation = self.operation(method, url)
        responses = operation.get("responses", {})
        response = responses.get(str(status), responses.get(status, responses.get("default")))
        if response is None:
            raise SpecViolation(f"{where}: status not declared ({sorted(map(str, responses))})")
        raw = body.encode("utf-8") if isinstance(body, str) else body
        schema = response.get("schema")
        if not raw:
            if schema is not None and status != 204 and schema.get("type") != "string":
                raise SpecViolation(f"{where}: empty body, schema expects content")
            return
        mime = _mime(_header(headers, "Content-Type"))
        produces = operation.get("produces") or self.root.get("produces") or list(JSON_TYPES)
        if mime not in produces and mime not in JSON_TYPES:
            raise SpecViolation(f"{where}: content type {mime or 'none'} not in {produces}")
        if schema is None or mime not in JSON_TYPES:
            return
        try:
            document = json.loads(raw)
        except ValueError as exc:
            raise SpecViolation(f"{where}: body is not JSON") from exc
        _validate_schema(schema, document, f"{where} body")


_PARAM_SCHEMA_KEYS = (
    "type", "format", "enum", "items", "minimum", "maximum", "exclusiveMinimum",
    "exclusiveMaximum", "minLength", "maxLength", "pattern", "minItems", "maxItems",
)


def _coerce(kind: str | list[str] | None, value: str) -> Any:
    kinds = kind if isinstance(kind, list) else [kind]
    if "integer" in kinds and re.fullmatch(r"-?\d+", value.strip()):
        return int(value)
    if "number" in kinds:
        try:
            return float(value)
        except ValueError:
            pass
    if "boolean" in kinds and value in ("true", "false", "1", "0"):
        return value in ("true", "1")
    return value


def _check_param(spec: dict[str, Any], values: list[str], where: str) -> None:
    name = f"{spec['in']} parameter {spec['name']}"
    schema = {k: spec[k] for k in _PARAM_SCHEMA_KEYS if k in spec}
    if spec.get("type") == "array":
        fmt = spec.get("collectionFormat", "csv")
        if fmt == "multi":
            items = list(values)
        else:
            if len(values) > 1:
                raise SpecViolation(f"{where}: {name} given {len(values)} times")
            sep = {"csv": ",", "ssv": " ", "tsv": "\t", "pipes": "|"}[fmt]
            items = values[0].split(sep)
        item_type = spec.get("items", {}).get("type")
        value: Any = [_coerce(item_type, v) for v in items]
    else:
        if len(values) > 1:
            raise SpecViolation(f"{where}: {name} given {len(values)} times")
        value = _coerce(spec.get("type"), values[0])
    _validate_schema(schema, value, f"{where}: {name}")


def _read_only(validator: Any, value: Any, instance: Any, schema: Any) -> Iterator[Any]:
    if value is True:
        yield jsonschema.ValidationError("is read-only: Koha refuses it in a request body")


# Request bodies: like Koha's validator, a ``readOnly`` property may not be sent.
_RequestValidator = jsonschema.validators.extend(
    jsonschema.Draft4Validator, {"readOnly": _read_only}
)


def _validate_schema(
    schema: dict[str, Any], document: Any, where: str, *, request: bool = False
) -> None:
    cls = _RequestValidator if request else jsonschema.Draft4Validator
    validator = cls(schema, format_checker=FORMATS)
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        details = "; ".join(
            f"/{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:5]
        )
        raise SpecViolation(f"{where}: {details}")


@pytest.fixture(scope="session")
def koha_spec() -> KohaSpec:
    """Koha's OpenAPI spec vendored in ``tests/data/koha-openapi``, loaded once per session."""
    from tests.conftest import KOHA_OPENAPI

    return KohaSpec.load(KOHA_OPENAPI)


Handler = Callable[[requests.PreparedRequest], tuple[int, Mapping[str, str], bytes | None]]


class SpecAdapter(requests.adapters.BaseAdapter):
    """A requests transport that checks every request (and its answer) against the spec.

    Mount it on a session; ``handler`` builds the answer ``(status, headers, body)``.
    The API root (``GET /api/v1/``) is not a route of the spec and is not checked.
    """

    def __init__(self, spec: KohaSpec, handler: Handler, *, check_responses: bool = True) -> None:
        super().__init__()
        self.spec = spec
        self.handler = handler
        self.check_responses = check_responses
        self.requests: list[requests.PreparedRequest] = []

    def send(  # type: ignore[override]
        self, request: requests.PreparedRequest, **kwargs: Any
    ) -> requests.Response:
        self.requests.append(request)
        method, url = request.method or "GET", request.url or ""
        is_root = urlsplit(url).path.rstrip("/").endswith(self.spec.base_path)
        body = request.body.encode("utf-8") if isinstance(request.body, str) else request.body
        if not is_root:
            self.spec.validate_request(method, url, dict(request.headers), body)
        status, headers, payload = self.handler(request)
        if self.check_responses and not is_root:
            self.spec.validate_response(method, url, status, headers, payload)
        response = requests.Response()
        response.status_code = status
        response.headers = requests.structures.CaseInsensitiveDict(headers)
        response._content = payload or b""
        response.url = url
        response.request = request
        response.encoding = "utf-8"
        return response

    def close(self) -> None:
        pass

"""Property-based test of the HTTP API against its own OpenAPI schema (schemathesis, over the real model and index).

For every documented operation schemathesis generates requests that fit the schema (positive) and requests that
break it (negative), and checks each response: no 5xx, a documented status, content type and headers, a body that
matches the schema, and every schema-breaking request refused. Examples are derandomized and few, so the run is
reproducible and takes seconds.

One check is left out, `positive_data_acceptance` (every schema-fitting request accepted): a question must also
hold a letter or digit and no control character, rules that JSON Schema's patterns cannot state for all of Unicode
in a way every validator reads alike, so a fitting `"question": "?!"` is refused with a 422 by design.

(Schemathesis' pytest plugin, `from_fixture(...).parametrize()`, does not run under pytest 9, so each operation
gets a plain hypothesis `@given` over schemathesis' strategy.)
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance

from rag.http.app import create_app

ADMIN = {"Authorization": "Bearer admin-key-for-tests"}
OPERATIONS = [
    ("POST", "/v1/search"),
    ("POST", "/v1/search/batch"),
    ("GET", "/v1/passages/{passage_id}"),
    ("GET", "/passages/{passage_id}"),
    ("GET", "/v1/documents"),
    ("POST", "/v1/admin/reload"),
    ("GET", "/v1/vector_stores"),
    ("GET", "/v1/vector_stores/{vector_store_id}"),
    ("POST", "/v1/vector_stores/{vector_store_id}/search"),
    ("GET", "/healthz"),
    ("GET", "/readyz"),
]


@pytest.fixture(scope="module")
def api_schema(searcher, settings):
    served = settings.model_copy(update={"reload_poll_seconds": 0, "admin_keys": ["admin-key-for-tests"],
                                         "allowed_hosts": ["testserver"]})  # the Host schemathesis sends
    return schemathesis.openapi.from_asgi("/schema/openapi.json", create_app(served, searcher=searcher))


def test_every_operation_is_covered(api_schema):
    documented = {(op.ok().method.upper(), op.ok().path) for op in api_schema.get_all_operations()}
    assert documented == set(OPERATIONS)


CASES = [(method, path, mode) for method, path in OPERATIONS for mode in GenerationMode
         # only bodies and bounded query parameters can break the schema
         if mode == GenerationMode.POSITIVE or path.startswith(("/v1/search", "/v1/vector_stores"))
         or path == "/v1/documents"]


@pytest.mark.parametrize(("method", "path", "mode"), CASES, ids=lambda value: str(value))
def test_operation_answers_within_its_schema(api_schema, method, path, mode):
    @given(case=api_schema[path][method].as_strategy(mode))
    @hypothesis_settings(max_examples=15, deadline=None, derandomize=True, database=None,
                         suppress_health_check=list(HealthCheck))
    def check(case):
        case.call_and_validate(headers=ADMIN, excluded_checks=[positive_data_acceptance])

    check()

"""The deployment examples cannot rot silently: every RAG_* variable they set is a real setting, every probe and
health check asks a real route, every command is one `rag` accepts, and the replicas mount the index read-only
where the ingest writes it.

Neither Docker Compose nor a Kubernetes API server is needed: the files are parsed as YAML. (They were also checked
once with `kubernetes-validate --strict deploy/k8s/rag.yaml`, Kubernetes 1.37 schemas.)
"""

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from rag import cli
from rag.http.app import create_app
from rag.settings import Settings
from tests.helpers.paths import ROOT

DEPLOY = ROOT / "deploy"
ROUTE = re.compile(r"http://(?:127\.0\.0\.1|localhost)(?::\d+)?(/[\w/.-]*)")  # a health check asks itself


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def k8s() -> dict[str, dict[str, Any]]:
    documents = yaml.safe_load_all((DEPLOY / "k8s" / "rag.yaml").read_text(encoding="utf-8"))
    return {f"{d['kind']}/{d['metadata']['name']}": d for d in documents}


@pytest.fixture(scope="module")
def get_routes(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    app = create_app(Settings(index_dir=tmp_path_factory.mktemp("no-index")))
    return {route.path for route in app.routes if "GET" in getattr(route, "methods", ())}


def env_names(tree: Any) -> set[str]:
    """Every environment variable a YAML tree sets: keys of `environment` maps and ConfigMap data, `name` of env
    entries."""
    found: set[str] = set()
    if isinstance(tree, dict):
        for key, value in tree.items():
            if key in ("environment", "data") and isinstance(value, dict):
                found |= set(value)
            if key == "env" and isinstance(value, list):
                found |= {entry["name"] for entry in value}
            found |= env_names(value)
    elif isinstance(tree, list):
        for item in tree:
            found |= env_names(item)
    return found


def pod_spec(k8s: dict[str, dict[str, Any]], kind_name: str) -> dict[str, Any]:
    spec = k8s[kind_name]["spec"]
    return spec["jobTemplate"]["spec"]["template"]["spec"] if "jobTemplate" in spec else spec["template"]["spec"]


def containers(k8s: dict[str, dict[str, Any]], kind_name: str) -> list[dict[str, Any]]:
    pod = pod_spec(k8s, kind_name)
    return [{**c, "volumes": {v["name"]: v for v in pod.get("volumes", [])}} for c in pod["containers"]]


def dockerfile_env() -> set[str]:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    return {name for block in re.findall(r"^ENV ((?:.*\\\n)*.*)$", text, re.M)
            for name in re.findall(r"(\w+)=", block)}


def test_every_rag_variable_is_a_setting(compose, k8s):
    fields = {f"RAG_{name.upper()}" for name in Settings.model_fields}
    named = env_names(compose) | env_names(list(k8s.values())) | dockerfile_env()
    rag = {name for name in named if name.startswith("RAG_")}
    assert {"RAG_INDEX_DIR", "RAG_RELOAD_POLL_SECONDS", "RAG_HOST", "RAG_PORT"} <= rag  # the parse found them
    assert rag - fields == set()


def test_probes_and_health_checks_ask_real_routes(compose, k8s, get_routes):
    (api,) = containers(k8s, "Deployment/rag")
    assert api["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert api["livenessProbe"]["httpGet"]["path"] == "/healthz"
    probes = [api[p]["httpGet"]["path"] for p in ("readinessProbe", "livenessProbe", "startupProbe")]
    checks = [" ".join(compose["services"]["api"]["healthcheck"]["test"]),
              (ROOT / "Dockerfile").read_text(encoding="utf-8")]
    asked = set(probes) | {path for text in checks for path in ROUTE.findall(text)}
    assert "/readyz" in asked and asked <= get_routes
    # the image's check asks the port the server listens on, whatever RAG_PORT the container is run with
    health = re.search(r"HEALTHCHECK .*?\\\n\s*CMD (\[.*\])", checks[1]).group(1)
    script = json.loads(health)[2]
    assert "os.environ.get('RAG_PORT')" in script and ":8000/" not in script
    compile(script, "healthcheck", "exec")  # valid Python
    # ... and the address it listens on: every address (the image's 0.0.0.0) through loopback, one address itself
    for host, port, url in ((None, None, "http://127.0.0.1:8000/readyz"),
                            ("0.0.0.0", "9000", "http://127.0.0.1:9000/readyz"),
                            ("::", None, "http://127.0.0.1:8000/readyz"),
                            ("10.0.0.7", None, "http://10.0.0.7:8000/readyz"),
                            ("fd00::7", "8080", "http://[fd00::7]:8080/readyz")):
        assert _health_url(script, host, port) == url


def test_commands_are_ones_rag_accepts(compose, k8s):
    commands = [service["command"] for service in compose["services"].values() if "command" in service]
    commands += [c["command"] for name in ("CronJob/rag-ingest", "Deployment/rag") for c in containers(k8s, name)]
    assert {tuple(c[:2]) for c in commands} == {("rag", "serve"), ("rag", "ingest")}
    for command in commands:
        cli.parser().parse_args(command[1:])  # exits (SystemExit) on an unknown subcommand or option


def test_replicas_mount_the_index_read_only_where_the_ingest_writes_it(compose, k8s):
    services = compose["services"]
    index_dir = services["api"]["environment"]["RAG_INDEX_DIR"]
    assert services["ingest"]["environment"]["RAG_INDEX_DIR"] == index_dir
    assert f"index:{index_dir}:ro" in services["api"]["volumes"]
    assert f"index:{index_dir}" in services["ingest"]["volumes"]
    assert services["api"]["deploy"]["replicas"] >= 2 and services["api"]["read_only"] is True

    index_dir = k8s["ConfigMap/rag"]["data"]["RAG_INDEX_DIR"]
    assert k8s["Deployment/rag"]["spec"]["replicas"] >= 2
    for kind_name, read_only in (("Deployment/rag", True), ("CronJob/rag-ingest", False)):
        (container,) = containers(k8s, kind_name)
        (mount,) = [m for m in container["volumeMounts"] if m["mountPath"] == index_dir]
        claim = container["volumes"][mount["name"]]["persistentVolumeClaim"]
        assert claim["claimName"] == "rag-index"
        assert mount.get("readOnly", False) is read_only and claim.get("readOnly", False) is read_only
        assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert "ReadWriteMany" in k8s["PersistentVolumeClaim/rag-index"]["spec"]["accessModes"]


def test_the_service_reaches_the_deployment(k8s):
    service, deployment = k8s["Service/rag"], k8s["Deployment/rag"]
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= labels.items()
    (api,) = containers(k8s, "Deployment/rag")
    port = int(next(e["value"] for e in api["env"] if e["name"] == "RAG_PORT"))
    assert [p["containerPort"] for p in api["ports"]] == [port]


def test_the_files_exist_where_the_operations_page_says():
    page = (ROOT / "docs" / "OPERATIONS.md").read_text(encoding="utf-8")
    for path in ("deploy/compose.yaml", "deploy/k8s/rag.yaml"):
        assert path in page and Path(ROOT / path).is_file()


def test_the_load_balancer_keeps_clients_apart_and_metrics_private(compose):
    """Behind nginx every request would come from nginx's address: one share for all clients (docs/FAIRNESS.md)."""
    nginx = compose["configs"]["nginx"]["content"]
    assert "proxy_set_header X-Forwarded-For $$remote_addr;" in nginx  # set, not appended ($$: compose's escape)
    assert compose["services"]["api"]["environment"]["FORWARDED_ALLOW_IPS"] == "*"
    assert "ports" not in compose["services"]["api"]  # so that only the network's containers can claim addresses
    assert "proxy_set_header X-Forwarded-Proto $$scheme;" in nginx  # not the client's own claim
    assert re.search(r"location \^~ /metrics \{\s*return 404;", nginx)  # a prefix: /metrics/ is served too
    # the replicas trust nginx: it caps each client's connections as they would
    zone = re.search(r"limit_conn_zone \$\$binary_remote_addr zone=(\w+):", nginx).group(1)
    cap = int(re.search(rf"limit_conn {zone} (\d+);", nginx).group(1))
    assert cap == Settings().client_connections and "limit_conn_status 429;" in nginx
    assert compose["services"]["api"]["stop_grace_period"] == "30s"  # more than the 25 s requests are given
    megabytes = int(re.search(r"client_max_body_size (\d+)m;", nginx).group(1))
    assert megabytes * 1_048_576 > Settings().max_body_bytes  # rag, not nginx, refuses a body too large


def service_link_names(service: dict[str, Any]) -> set[str]:
    """The variables Kubernetes puts in every pod of the namespace for `service` unless the pod sets
    `enableServiceLinks: false` (as Docker links did): `RAG_PORT=tcp://10.0.0.7:80` for a Service named `rag`."""
    prefix = service["metadata"]["name"].upper().replace("-", "_")
    names = {f"{prefix}_SERVICE_HOST", f"{prefix}_SERVICE_PORT", f"{prefix}_PORT"}
    for port in service["spec"]["ports"]:
        protocol = port.get("protocol", "TCP")
        if "name" in port:
            names.add(f"{prefix}_SERVICE_PORT_{port['name'].upper().replace('-', '_')}")
        base = f"{prefix}_PORT_{port['port']}_{protocol}"
        names |= {base, f"{base}_PROTO", f"{base}_PORT", f"{base}_ADDR"}
    return names


def test_no_pod_gets_rag_variables_from_a_service_link(k8s):
    """A Service named `rag` would give every pod `RAG_PORT=tcp://<its address>:80`, `RAG_SERVICE_HOST`...: the
    ingest, which sets no RAG_PORT of its own, then stopped at once on "RAG_PORT: must be an integer" (exit 6), every
    15 minutes. Each pod of the example that would see such a variable turns the links off."""
    linked = {name for kind_name, d in k8s.items() if kind_name.startswith("Service/")
              for name in service_link_names(d)}
    assert "RAG_PORT" in linked  # the Service is named `rag`: the check below is not vacuous
    for kind_name in ("Deployment/rag", "CronJob/rag-ingest"):
        pod = pod_spec(k8s, kind_name)
        injected = set() if pod.get("enableServiceLinks", True) is False else linked
        assert {name for name in injected if name.startswith("RAG_")} == set(), kind_name


def test_rag_is_not_pid_1_in_the_compose_containers(compose):
    """The kernel gives PID 1 of a container no default action for a signal it has no handler for: `rag serve` as
    PID 1 ignored SIGTERM until uvicorn installed its handlers, after the model and the index were loaded (checked
    under `unshare -pf`: still running 8 s after SIGTERM, then listening), and `docker stop` killed it 10 s later.
    Every service of the image runs under an init that passes signals on."""
    services = [s for s in compose["services"].values() if s.get("image") == "rag:local"]
    assert {"ingest", "api"} <= {name for name, s in compose["services"].items() if s in services}
    assert all(s.get("init") is True for s in services)


def _health_url(script: str, host: str | None, port: str | None) -> str:
    """The URL the image's health check asks, run with RAG_HOST and RAG_PORT so set (None: unset)."""
    import os
    import urllib.request
    from unittest import mock

    asked = []

    def urlopen(url: str, timeout: float) -> mock.Mock:
        asked.append(url)
        return mock.Mock(status=200)

    env = {k: v for k, v in os.environ.items() if k not in ("RAG_HOST", "RAG_PORT")}
    env |= {k: v for k, v in (("RAG_HOST", host), ("RAG_PORT", port)) if v is not None}
    with mock.patch.dict(os.environ, env, clear=True), mock.patch.object(urllib.request, "urlopen", urlopen):
        try:
            exec(compile(script, "healthcheck", "exec"), {})
        except SystemExit as exit_:
            assert exit_.code is False  # status 200: healthy
    return asked[0]

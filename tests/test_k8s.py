"""The Kubernetes manifests in deploy/k8s/ validate against the API schemas, offline, and say what the app needs.

kubernetes-validate ships the Kubernetes JSON schemas inside the package, so this needs no
network and no cluster. Strict mode rejects unknown fields (a typo in a probe would pass
silently in a cluster and never run).
"""

from __future__ import annotations

from pathlib import Path

import kubernetes_validate
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
K8S = ROOT / "deploy" / "k8s"
K8S_VERSION = "1.37.0"


def _docs() -> dict[str, dict]:
    docs = {}
    for path in sorted(K8S.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if doc:
                docs[doc["kind"]] = doc
    return docs


@pytest.mark.parametrize("path", sorted(K8S.glob("*.yaml")), ids=lambda p: p.name)
def test_manifest_validates_against_the_schema(path):
    for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
        kubernetes_validate.validate(doc, K8S_VERSION, strict=True)  # raises on any schema error


def test_every_piece_of_the_deployment_is_there():
    assert set(_docs()) == {
        "Deployment",
        "Service",
        "Ingress",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
        "Secret",
        "ConfigMap",
    }


def test_container_runs_the_app_as_every_script_does_non_root_read_only():
    pod = _docs()["Deployment"]["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert container["command"][-3:] == ["streamlit", "run", "server.py"]
    for probe in ("readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"]["path"] == "/_stcore/health"
    assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] != 0
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    assert {"requests", "limits"} <= set(container["resources"])
    mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
    empty_dirs = {v["name"] for v in pod["volumes"] if "emptyDir" in v}
    assert mounts["/tmp"] in empty_dirs and mounts["/home/app"] in empty_dirs  # the only writable paths
    env = {e["name"]: e for e in container["env"]}
    assert env["STREAMLIT_SERVER_COOKIE_SECRET"]["valueFrom"]["secretKeyRef"]["name"] == _docs()["Secret"]["metadata"]["name"]


def test_configmap_is_the_repository_config_and_the_secret_is_a_placeholder():
    docs = _docs()
    assert docs["ConfigMap"]["data"]["config.toml"] == (ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    (value,) = docs["Secret"]["stringData"].values()
    assert value.startswith("REPLACE-")


def test_ingress_pins_each_browser_to_one_pod_with_a_cookie():
    annotations = _docs()["Ingress"]["metadata"]["annotations"]
    assert annotations["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    assert int(annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600  # websockets stay open
    hpa, deployment = _docs()["HorizontalPodAutoscaler"], _docs()["Deployment"]
    assert hpa["spec"]["scaleTargetRef"]["name"] == deployment["metadata"]["name"]
    assert hpa["spec"]["minReplicas"] >= 2

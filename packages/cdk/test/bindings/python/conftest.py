"""Records, in the JUnit report, the Node.js that the jsii runtime of these tests runs on."""
import os
import subprocess

import pytest


@pytest.fixture(scope="session", autouse=True)
def node_version(record_testsuite_property):
    # The jsii runtime starts $JSII_NODE, or `node` from the PATH (jsii/_kernel/providers/process.py).
    node = os.environ.get("JSII_NODE", "node")
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=True).stdout.strip()
    record_testsuite_property("node.version", version)

"""AMI over TLS (Asterisk's tlsenable/tlsbindaddr) with a self-signed certificate."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from pathlib import Path

import pytest

from pbx.ami_client import make_tls_context
from pbx.connection_state import LinkState
from pbx.simulator import AmiSimulator
from tests.ami_support import SECRET, USER, client_for, collect, is_state

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "asterisk.pem", folder / "asterisk.key"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


async def test_tls_login_and_action(certificate: tuple[Path, Path]) -> None:
    cert, key = certificate
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)
    async with AmiSimulator(port=0, username=USER, secret=SECRET, ssl=server_context) as sim:
        context = make_tls_context(cafile=str(cert))
        async with client_for(sim, tls=True, tls_context=context) as ami:
            await collect(ami, is_state(LinkState.UP))
            assert (await ami.send_action({"Action": "Ping"}))["Ping"] == "Pong"


async def test_tls_untrusted_certificate_is_down_not_up(certificate: tuple[Path, Path]) -> None:
    cert, key = certificate
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)
    async with AmiSimulator(port=0, username=USER, secret=SECRET, ssl=server_context) as sim:
        async with client_for(sim, tls=True) as ami:  # system CAs do not know this cert
            items = await collect(ami, is_state(LinkState.DOWN))
            assert "cannot connect" in ami.state.detail
            assert items[-1] is ami.state
        assert sim.action_counts["login"] == 0

"""SIGTERM as an interrupt while an ingest runs, even after a library installed its own handler."""

import signal

import pytest

from rag.interrupts import Terminated, reclaim, sigterm_interrupts


def test_a_handler_a_library_installs_meanwhile_is_replaced_and_the_previous_one_put_back():
    before = signal.getsignal(signal.SIGTERM)
    reclaim()  # outside an ingest: nothing changes
    assert signal.getsignal(signal.SIGTERM) is before
    with sigterm_interrupts():
        signal.signal(signal.SIGTERM, lambda signum, frame: None)  # as ray.init does
        reclaim()
        with pytest.raises(Terminated):
            signal.raise_signal(signal.SIGTERM)
        reclaim()  # the first SIGTERM left the default on: a second kills; reclaimed for the test's sake
    assert signal.getsignal(signal.SIGTERM) is before


@pytest.mark.parametrize(("raised", "code", "said"), [(Terminated, 143, "terminated (SIGTERM)"),
                                                      (KeyboardInterrupt, 130, "interrupted")])
@pytest.mark.parametrize("as_json", [False, True])
def test_a_stopped_command_says_why_it_ended_on_stderr(monkeypatch, capsys, raised, code, said, as_json):
    """An ingest stopped by `kill` (cron, a Kubernetes Job, `docker stop`) ended with 143 and printed nothing: its log
    did not say why it ended. Now stderr says so, as it says an error; `--json` still gives its object on stdout."""
    import json

    from rag import cli

    def stopped(args):
        raise raised

    monkeypatch.setattr(cli, "_ingest", stopped)
    assert cli.main(["ingest", *(["--json"] if as_json else [])]) == code
    out, err = capsys.readouterr()
    assert err == f"rag: {said}\n"
    assert (json.loads(out) if as_json else out) == ({"ok": False, "exit_code": code, "error": said} if as_json else "")

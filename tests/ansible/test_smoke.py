"""The Ansible tier: plugins run under a real ansible-playbook."""

from pathlib import Path


def test_module_runs_under_ansible_playbook(run_playbook, tmp_path: Path):
    run = run_playbook("smoke.yml")
    assert run.returncode == 0, run
    assert (tmp_path / "version.txt").read_text() == "0.1.0\n"
    assert "ok=3" in run.stdout, run

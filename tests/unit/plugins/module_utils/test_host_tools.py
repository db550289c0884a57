"""host_tools with real processes."""

from ansible_collections.golive.readiness.plugins.module_utils.host_tools import find_tool, run_tool


def test_find_tool_finds_a_real_tool_and_not_a_missing_one():
    assert find_tool('sh').endswith('/sh')
    assert find_tool('no-such-tool-golive') is None


def test_run_tool_output_failure_and_missing():
    assert run_tool([find_tool('sh'), '-c', 'echo out; echo err >&2; exit 3'], 10) == (3, 'out\n', 'err\n')
    rc, out, err = run_tool(['/nonexistent/golive-tool'], 10)
    assert rc is None and out == '' and err


def test_run_tool_stops_a_hung_tool_at_its_timeout():
    assert run_tool([find_tool('sleep'), '30'], 0.2) == (-1, '', 'timed out after 0.2s')

"""drill_check's judging of a drill's figures: limits, skipped figures, an aborted drill, bad figures."""

from ansible_collections.golive.readiness.plugins.module_utils.probes import drill as probes


def run(drill, figures, aborted=None, **given):
    params = dict(drill=drill, figures=figures, aborted=aborted)
    params.update(given)
    result = probes.measure(params, probes.CATALOGUE.merged(params))
    return dict((c['name'], c) for c in result['checks']), result


def test_database_drill_figures_against_the_guide():
    checks, result = run('database', dict(detection_s=3.2, rto_s=41.5, rpo_s=2.0, lost_transactions=1,
                                          backup_s=4.0, restore_s=9.5, data_verified=True,
                                          data_verified_detail='marker row found', service_recovered=True))
    assert checks['rto']['status'] == 'pass' and checks['rto']['fail'] == 300
    assert checks['data_verified']['message'] == 'marker row found'
    assert checks['block_removed']['status'] == 'skip'
    assert result['status'] == 'pass'


def test_mttr_over_five_minutes_fails():
    checks, dummy = run('database', dict(rto_s=301, detection_s=5))
    assert checks['rto']['status'] == 'fail'
    assert checks['rpo']['status'] == 'unknown'


def test_an_aborted_drill_fails_what_it_did_not_reach():
    checks, result = run('database', dict(detection_s=2.0), aborted='restore: pgbackrest failed')
    assert checks['detection']['status'] == 'pass'
    assert checks['rto']['status'] == 'fail' and 'stopped at: restore' in checks['rto']['message']
    assert result['status'] == 'fail'


def test_network_drill_skips_database_figures():
    checks, dummy = run('network', dict(detection_s=2.1, rto_s=3.0, block_removed=False, service_recovered=True))
    assert checks['rpo']['status'] == 'skip'
    assert checks['block_removed']['status'] == 'fail'


def test_bad_figures_are_input_errors():
    errors = probes.input_errors(dict(figures={'rto_s': 'fast', 'nosuch': 1, 'rpo_s_detail': 'x'}), {})
    assert errors == ['figures.nosuch: no such figure (known: backup_s, block_removed, data_verified, detection_s, '
                      'lost_transactions, restore_s, rpo_s, rto_s, service_recovered)',
                      "figures.rto_s: must be a number or a boolean, got 'fast'"]

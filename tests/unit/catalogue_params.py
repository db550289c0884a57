"""Module parameters as AnsibleModule gives them, built from a component's catalogue."""


def module_params(catalogue, **overrides):
    """Every option and suboption present, defaults filled in, ``overrides`` applied."""
    out = {}
    for name, option in catalogue.argument_spec().items():
        if option.get('type') == 'dict' and 'options' in option:
            out[name] = dict((k, v.get('default')) for k, v in option['options'].items())
            out[name].update(overrides.get(name, {}))
        else:
            out[name] = overrides.get(name, option.get('default'))
    return out


def check_opts(catalogue, name, **extra):
    """One check's settings: the catalogue's defaults with ``extra`` over them."""
    merged = catalogue.by_name[name].defaults()
    merged.update(extra)
    return merged


def all_errors(catalogue, extra_errors, **overrides):
    """Every input error a module reports for ``overrides``: the catalogue's and its own."""
    params = module_params(catalogue, **overrides)
    errors = catalogue.input_errors(params)
    if extra_errors is not None:
        errors.extend(extra_errors(params, catalogue.merged(params)))
    return errors

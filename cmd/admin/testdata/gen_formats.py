#!/usr/bin/env python3
"""Regenerates formats/*.golden from the real rabbitmqadmin v1 script:

    python3 gen_formats.py /path/to/rabbitmqadmin

Each case of formats/cases.json (a JSON list as the API would answer, the columns
named on the command line, the type's JSON keys) is printed in every format and
depth through the script's own format_list, and the output kept byte for byte.
"""
import contextlib, importlib.machinery, importlib.util, io, json, os, sys, types

loader = importlib.machinery.SourceFileLoader("rabbitmqadmin", sys.argv[1])
spec = importlib.util.spec_from_loader("rabbitmqadmin", loader)
v1 = importlib.util.module_from_spec(spec)
loader.exec_module(v1)

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "formats", "cases.json")) as f:
    cases = json.load(f)
for case in cases:
    for fmt in ["raw_json", "pretty_json", "tsv", "long", "table", "kvp", "bash"]:
        for depth in case.get("depths", [1]):
            for verbose in [True, False]:
                opts = types.SimpleNamespace(format=fmt, depth=depth, verbose=verbose)
                out = io.StringIO()
                try:
                    with contextlib.redirect_stdout(out):
                        v1.format_list(case["body"], case["columns"], {"json": case.get("json", [])}, opts)
                except TypeError:  # v1 crashes on a null cell in tsv and table
                    out = io.StringIO("CRASH\n")
                name = "%s.%s.d%s%s.golden" % (case["name"], fmt, depth, "" if verbose else ".q")
                with open(os.path.join(here, "formats", name), "w", newline="") as g:
                    g.write(out.getvalue())

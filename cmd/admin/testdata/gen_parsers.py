#!/usr/bin/env python3
"""Regenerates optparse.json and ini/*.json from Python itself and the real
rabbitmqadmin v1 script:

    python3 gen_parsers.py /path/to/rabbitmqadmin

optparse.json: for each command line of optparse_cases.json, the options v1's parser
sets (dest -> value) and the positional arguments, or the error it prints.
ini/NAME.json: for each ini/NAME.conf, configparser's items() of every section, or
"error" with the exception's class.
"""
import configparser, contextlib, glob, importlib.machinery, importlib.util, io, json, os, sys

loader = importlib.machinery.SourceFileLoader("rabbitmqadmin", sys.argv[1])
spec = importlib.util.spec_from_loader("rabbitmqadmin", loader)
v1 = importlib.util.module_from_spec(spec)
loader.exec_module(v1)
sys.argv[0] = "rabbitmqadmin"  # the program name in optparse messages
v1.make_parser()
here = os.path.dirname(os.path.abspath(__file__))

out = []
with open(os.path.join(here, "optparse_cases.json")) as f:
    cases = json.load(f)
for argv in cases:
    err = io.StringIO()
    res = {"argv": argv}
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            opts, args = v1.parser.parse_args(argv)
        res["options"] = {k: v for k, v in vars(opts).items() if v is not None}
        res["args"] = args
    except SystemExit as e:
        res["exit"] = e.code
        res["stderr"] = err.getvalue()
    out.append(res)
with open(os.path.join(here, "optparse.json"), "w") as f:
    json.dump(out, f, indent=1, ensure_ascii=False)
    f.write("\n")

for conf in sorted(glob.glob(os.path.join(here, "ini", "*.conf"))):
    cp = configparser.ConfigParser()
    res = {}
    try:
        cp.read(conf)
        for s in ["DEFAULT"] + cp.sections() + ["nosuch"]:
            try:
                res[s] = [[k, v] for k, v in cp.items(s)]
            except configparser.NoSectionError:
                res[s] = None
            except configparser.Error as e:
                res[s] = {"error": type(e).__name__}
    except configparser.Error as e:
        res = {"error": type(e).__name__}
    with open(conf[:-5] + ".json", "w") as f:
        json.dump(res, f, indent=1, ensure_ascii=False)
        f.write("\n")

#!/usr/bin/env python3
"""Checks app/locales: every language holds exactly English's keys (plural keys `_one`,
`_few`, `_many`, `_other` may differ by language), the same placeholders, and no text left
empty. The build checks keys too; this says what is wrong in one go, for translators.
Usage: scripts/check-locales.py [LANG ...]"""
import json, re, sys, pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent / "app" / "locales"
PLURAL = re.compile(r"_(zero|one|two|few|many|other)$")
FORMS = {"en": {"one", "other"}, "ro": {"one", "few", "other"}, "hu": {"one", "other"},
         "fi": {"one", "other"}, "nb": {"one", "other"}, "fr": {"one", "many", "other"}}

def flat(node, prefix=""):
    for k, v in node.items():
        if isinstance(v, dict):
            yield from flat(v, prefix + k + ".")
        else:
            yield prefix + k, v

def holes(text):
    return sorted(set(re.findall(r"\{\{\s*(\w+)\s*\}\}", text)))

def main():
    langs = sys.argv[1:] or [p.name for p in ROOT.iterdir() if p.name != "en"]
    bad = 0
    for ns in sorted(p.stem for p in (ROOT / "en").glob("*.json")):
        en = dict(flat(json.loads((ROOT / "en" / f"{ns}.json").read_text())))
        base = {PLURAL.sub("", k) for k in en}
        for lang in langs:
            path = ROOT / lang / f"{ns}.json"
            other = dict(flat(json.loads(path.read_text())))
            for k, v in other.items():
                m = PLURAL.search(k)
                if m and m.group(1) not in FORMS[lang]:
                    print(f"{path}: {k}: {lang} has no plural form '{m.group(1)}'"); bad += 1
                if PLURAL.sub("", k) not in base:
                    print(f"{path}: {k}: English has no such key"); bad += 1
                elif not str(v).strip():
                    print(f"{path}: {k}: empty"); bad += 1
            for k, v in en.items():
                key = PLURAL.sub("", k)
                forms = [o for o in other if PLURAL.sub("", o) == key and (o == key or PLURAL.search(o))]
                if not forms:
                    print(f"{path}: {k}: missing"); bad += 1
                    continue
                want = holes(v)
                for o in forms:
                    got = holes(str(other[o]))
                    if set(got) - set(want) or (not PLURAL.search(o) and got != want):
                        print(f"{path}: {o}: placeholders {got}, English {want}"); bad += 1
    print("ok" if not bad else f"{bad} problem(s)")
    return 1 if bad else 0

if __name__ == "__main__":
    sys.exit(main())

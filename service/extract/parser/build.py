"""Rebuild the shipped tagger + dependency parser from the UD English Web Treebank.

    python -m service.extract.parser.build --treebank PATH

``PATH`` is a clone of UD_English-EWT (a checkout or a bare git directory). Everything is read
from the pinned commit with ``git`` (the checkout itself is never changed):

1. the train, dev and test splits are rebuilt by concatenating
   ``not-to-release/sources/<genre>/<doc>.conllu`` in the order of
   ``not-to-release/file-lists/files.<split>``; the counts must match the treebank's ``stats.xml``,
   and every split must equal the released ``en_ewt-ud-<split>.conllu`` byte for byte where the
   clone holds that file;
2. ``spacy convert`` turns them into ``.spacy`` files (one sentence per doc);
3. ``spacy init vectors`` makes the table of known words that gives tokens their ID feature
   (see config.cfg), and ``spacy train`` trains ``config.cfg`` (fixed seed, fixed number of
   steps, one thread);
4. the best model on dev is written to ``model/`` with its licence, and its accuracy on the
   test split and its speed on one thread are written to ``metrics.json``.

The model is the shipped artefact: nothing at run time needs the treebank.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

# One thread for training and for the speed measurement: set before numpy is imported.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

HERE = Path(__file__).resolve().parent
CONFIG = HERE / "config.cfg"
MODEL = HERE / "model"
METRICS = HERE / "metrics.json"

TREEBANK_URL = "https://github.com/UniversalDependencies/UD_English-EWT"
PINNED_COMMIT = "15d613d8447b3478787d4c278730a1e48a945efb"
SPLITS = ("train", "dev", "test")
# Sentences and syntactic words per split, from stats.xml at the pinned commit.
EXPECTED = {"train": (12544, 204577), "dev": (2001, 25147), "test": (2077, 25094)}
MODEL_NAME = "ewt_syntax"
MODEL_VERSION = "1.0.0"

LICENSE_TEXT = f"""\
Eventgraph English syntax model (tagger, morphologizer, dependency parser)
=========================================================================

This model was trained by the Eventgraph project on the Universal Dependencies
English Web Treebank (UD_English-EWT), commit {PINNED_COMMIT},
{TREEBANK_URL}

The treebank is licensed under the Creative Commons Attribution-ShareAlike 4.0
International License (CC BY-SA 4.0), https://creativecommons.org/licenses/by-sa/4.0/ ,
and so is this model, as an adaptation of it. The source code of Eventgraph that
loads and rebuilds it is under Apache-2.0.

Attribution
-----------
Universal Dependencies English Web Treebank v2.15 (UD_English-EWT).
Annotations (c) 2013-2021 by The Board of Trustees of The Leland Stanford Junior
University, licensed under CC BY-SA 4.0. Contributors: Natalia Silveira, Timothy
Dozat, Christopher Manning, Sebastian Schuster, Ethan Chi, John Bauer, Miriam Connor,
Marie-Catherine de Marneffe, Nathan Schneider, Sam Bowman, Hanzhi Zhu, Daniel
Galbraith. The underlying texts come from the LDC English Web Treebank (LDC2012T13);
some parts are in the public domain, portions may be (c) 2012 Google Inc.,
(c) 2011 Yahoo! Inc., (c) 2012 Trustees of the University of Pennsylvania and/or
(c) other original authors.

Silveira, Natalia, Timothy Dozat, Marie-Catherine de Marneffe, Samuel Bowman, Miriam
Connor, John Bauer and Christopher D. Manning (2014). A Gold Standard Dependency Corpus
for English. In Proceedings of the Ninth International Conference on Language Resources
and Evaluation (LREC-2014).

Changes: the treebank's train split was rebuilt from its per-document source files,
converted to spaCy's format, and used to train the statistical model in this directory
(tok2vec, tagger, morphologizer, parser); its vocabulary holds the word forms seen at
least twice in train. No annotation was changed.
"""


class BuildError(RuntimeError):
    """The treebank cannot be read or does not match the pinned release."""


def _git(treebank: Path, *args: str, data: bytes | None = None) -> bytes:
    result = subprocess.run(["git", "-C", str(treebank), *args], input=data, capture_output=True, check=False)
    if result.returncode != 0:
        raise BuildError(f"git {' '.join(args[:2])} failed in {treebank}: {result.stderr.decode().strip()}")
    return result.stdout


def read_files(treebank: Path, commit: str, paths: list[str]) -> dict[str, bytes]:
    """The contents of ``paths`` at ``commit``, read in one ``git cat-file --batch`` call."""
    out = _git(treebank, "cat-file", "--batch", data="".join(f"{commit}:{p}\n" for p in paths).encode())
    files: dict[str, bytes] = {}
    pos = 0
    for path in paths:
        end = out.index(b"\n", pos)
        header = out[pos:end].decode()
        if header.endswith(" missing"):
            raise BuildError(f"{path} is missing at {commit} in {treebank}")
        size = int(header.split()[2])
        files[path] = out[end + 1 : end + 1 + size]
        pos = end + 1 + size + 1
    return files


def has_file(treebank: Path, commit: str, path: str) -> bool:
    """True when the blob of ``path`` is present (partial clones may lack the large files)."""
    try:
        _git(treebank, "cat-file", "-e", f"{commit}:{path}")
    except BuildError:
        return False
    return True


def count(conllu: bytes) -> tuple[int, int]:
    """(sentences, syntactic words) of a CoNLL-U text: multiword-token and empty-node lines are not words."""
    sentences = words = 0
    for line in conllu.decode("utf-8").splitlines():
        if line.startswith("# sent_id"):
            sentences += 1
        elif line and line[0].isdigit():
            word_id = line.split("\t", 1)[0]
            words += "-" not in word_id and "." not in word_id
    return sentences, words


def rebuild_splits(treebank: Path, commit: str) -> dict[str, bytes]:
    """Train, dev and test rebuilt from the per-document sources, checked against the release."""
    try:
        _git(treebank, "cat-file", "-e", f"{commit}^{{commit}}")
    except BuildError as err:
        raise BuildError(f"{err}\n{treebank} must be a git clone holding commit {commit} (git fetch it)") from None
    lists = read_files(treebank, commit, [f"not-to-release/file-lists/files.{s}" for s in SPLITS])
    splits: dict[str, bytes] = {}
    for split in SPLITS:
        names = lists[f"not-to-release/file-lists/files.{split}"].decode().split()
        sources = read_files(treebank, commit, [f"not-to-release/sources/{name}" for name in names])
        splits[split] = b"".join(sources[f"not-to-release/sources/{name}"] for name in names)
        got = count(splits[split])
        if got != EXPECTED[split]:
            raise BuildError(f"{split}: {got} (sentences, words), expected {EXPECTED[split]}")
        released = f"en_ewt-ud-{split}.conllu"
        if has_file(treebank, commit, released):
            if read_files(treebank, commit, [released])[released] != splits[split]:
                raise BuildError(f"the rebuilt {split} split differs from {released}")
            print(f"{split}: {got[0]} sentences, {got[1]} words; identical to {released}")
        else:
            print(f"{split}: {got[0]} sentences, {got[1]} words ({released} absent from this clone)")
    return splits


def _spacy(*args: str) -> None:
    print("$ python -m spacy", " ".join(args), flush=True)
    subprocess.run([sys.executable, "-m", "spacy", *args], check=True)


def convert(splits: dict[str, bytes], work: Path) -> dict[str, Path]:
    corpus = work / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for split, data in splits.items():
        conllu = corpus / f"en_ewt-ud-{split}.conllu"
        conllu.write_bytes(data)
        _spacy("convert", str(conllu), str(corpus), "--converter", "conllu", "--n-sents", "1", "--lang", "en")
        paths[split] = conllu.with_suffix(".spacy")
    return paths


def known_words(train: Path, work: Path, min_count: int = 2) -> Path:
    """The table of known words (``paths.vectors``): tokens seen ``min_count`` times in train, one row each.

    Tokens are counted as the model sees them in training: spaCy's tokenization of each sentence's
    text. The table's one column only makes its rows distinct; the model uses the row numbers
    (the ID attribute), never the values. See config.cfg.
    """
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    counts = Counter(
        token.text for doc in DocBin().from_disk(train).get_docs(nlp.vocab) for token in nlp.make_doc(doc.text)
    )
    words = sorted(w for w, n in counts.items() if n >= min_count and not any(c.isspace() for c in w))
    table = work / "known-words.txt"
    table.write_text(f"{len(words)} 1\n" + "".join(f"{w} {i}\n" for i, w in enumerate(words)), encoding="utf-8")
    print(f"known words: {len(words)} of {len(counts)} token types seen in train")
    output = work / "known-words"
    _spacy("init", "vectors", "en", str(table), str(output))
    return output


def train(corpus: dict[str, Path], vectors: Path, work: Path, overrides: list[str]) -> tuple[Path, float]:
    output = work / "training"
    started = time.monotonic()
    _spacy(
        "train",
        str(CONFIG),
        "--output",
        str(output),
        "--paths.train",
        str(corpus["train"]),
        "--paths.dev",
        str(corpus["dev"]),
        "--paths.vectors",
        str(vectors),
        *overrides,
    )
    return output / "model-best", time.monotonic() - started


def package(best: Path, output: Path, commit: str) -> None:
    """Write the trained pipeline (only what ``spacy.load`` needs) and its licence to ``output``."""
    import spacy
    from thinc.api import Config

    nlp = spacy.load(best)
    nlp.meta.update(
        {
            "name": MODEL_NAME,
            "version": MODEL_VERSION,
            "description": "English tagger (PTB tags), morphologizer (UPOS + features) and dependency parser "
            "(UD relations), trained on UD English EWT.",
            "author": "Eventgraph",
            "license": "CC BY-SA 4.0",
            "sources": [
                {
                    "name": "Universal Dependencies English Web Treebank",
                    "url": TREEBANK_URL,
                    "license": "CC BY-SA 4.0",
                    "commit": commit,
                }
            ],
        }
    )
    staging = output.with_name(output.name + ".new")
    shutil.rmtree(staging, ignore_errors=True)
    nlp.to_disk(staging)
    config = Config().from_disk(staging / "config.cfg", interpolate=False)
    config["paths"].update(train=None, dev=None, vectors=None)  # the build's scratch files, not needed to load
    config.to_disk(staging / "config.cfg")
    (staging / "LICENSE").write_text(LICENSE_TEXT, encoding="utf-8")
    shutil.rmtree(output, ignore_errors=True)
    staging.rename(output)


def speed(model: Path, texts: list[str], rounds: int = 5) -> dict[str, float]:
    """Speed of the whole pipeline (tokenizer included) on one thread.

    ``words_per_second``: the best of ``rounds`` passes over ``texts``. ``ms_per_1000_words``: the
    median and the slowest of calls on runs of consecutive sentences of about 1,000 words (the third
    of a 3,000-word article that the extractor parses), each call timed once after a warm-up pass.
    """
    import spacy

    nlp = spacy.load(model)
    sizes = [len(doc) for doc in nlp.pipe(texts)]  # warm up
    words, best = sum(sizes), float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        for _doc in nlp.pipe(texts):
            pass
        best = min(best, time.perf_counter() - started)
    chunks: list[list[str]] = [[]]
    chunk_words = 0
    for text, size in zip(texts, sizes, strict=True):
        if chunk_words >= 1000:
            chunks.append([])
            chunk_words = 0
        chunks[-1].append(text)
        chunk_words += size
    chunks.pop()  # the last one is short
    latencies = []
    for chunk in chunks:
        started = time.perf_counter()
        list(nlp.pipe(chunk))
        latencies.append((time.perf_counter() - started) * 1000)
    return {
        "words_per_second_one_thread": round(words / best),
        "ms_per_1000_words_median": round(statistics.median(latencies), 1),
        "ms_per_1000_words_max": round(max(latencies), 1),
    }


def evaluate(model: Path, test: Path, work: Path) -> dict[str, object]:
    import spacy
    from spacy.tokens import DocBin

    scores_file = work / "test-scores.json"
    _spacy("benchmark", "accuracy", str(model), str(test), "--output", str(scores_file))
    scores = json.loads(scores_file.read_text())
    texts = [doc.text for doc in DocBin().from_disk(test).get_docs(spacy.blank("en").vocab)]
    return {
        "test": {key: round(scores[key], 4) for key in ("tag_acc", "pos_acc", "morph_acc", "dep_uas", "dep_las")},
        "test_las_per_type": {k: round(v["f"], 4) for k, v in sorted(scores["dep_las_per_type"].items())},
        **speed(model, texts),
        "model_bytes": sum(f.stat().st_size for f in model.rglob("*") if f.is_file()),
        "measured_on": f"{platform.machine()}, {os.cpu_count()} cores, python {platform.python_version()}",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--treebank",
        type=Path,
        default=os.environ.get("EWT_TREEBANK"),
        help="a clone of UD_English-EWT (checkout or git directory); default: $EWT_TREEBANK",
    )
    parser.add_argument("--commit", default=PINNED_COMMIT, help="treebank commit (default: the pinned one)")
    parser.add_argument("--work", type=Path, help="scratch directory to keep (default: a temporary one)")
    parser.add_argument("--output", type=Path, default=MODEL, help="where the model goes (default: %(default)s)")
    parser.add_argument("--max-steps", type=int, help="override training.max_steps of config.cfg")
    parser.add_argument("--eval-frequency", type=int, help="override training.eval_frequency of config.cfg")
    parser.add_argument(
        "--evaluate-only", action="store_true", help="do not train: score and time the model already in --output"
    )
    args = parser.parse_args(argv)
    if args.treebank is None:
        parser.error("give --treebank PATH (or set EWT_TREEBANK) to a clone of " + TREEBANK_URL)
    if not args.treebank.exists():
        parser.error(f"{args.treebank} does not exist: clone {TREEBANK_URL} there, or give --treebank PATH")
    overrides: list[str] = []
    if args.max_steps is not None:
        overrides += ["--training.max_steps", str(args.max_steps)]
    if args.eval_frequency is not None:
        overrides += ["--training.eval_frequency", str(args.eval_frequency)]

    work = args.work or Path(tempfile.mkdtemp(prefix="ewt-parser-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        splits = rebuild_splits(args.treebank.resolve(), args.commit)
        corpus = convert(splits, work)
        metrics: dict[str, object] = {"treebank": TREEBANK_URL, "commit": args.commit}
        if args.evaluate_only:
            if args.output.resolve() == MODEL.resolve() and METRICS.is_file():
                previous = json.loads(METRICS.read_text(encoding="utf-8"))
                metrics |= {k: previous[k] for k in ("config_overrides", "training_seconds") if k in previous}
        else:
            best, seconds = train(corpus, known_words(corpus["train"], work), work, overrides)
            package(best, args.output, args.commit)
            metrics |= {"config_overrides": overrides, "training_seconds": round(seconds)}
        metrics |= evaluate(args.output, corpus["test"], work)
    except BuildError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    if args.output.resolve() == MODEL.resolve():
        METRICS.write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in metrics.items() if k != "test_las_per_type"}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

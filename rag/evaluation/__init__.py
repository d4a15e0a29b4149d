"""`rag eval`: retrieval figures on question sets: what it reads, checked before a model loads (`inputs`), the
questions asked and scored in each mode (`scoring`), and its rankings as TREC files (`trec`).

The names scripts and tests use are gathered here (`from rag.evaluation import memory_index, read_questions`).
"""

from rag.evaluation.inputs import (
    Question,
    check_gold,
    corpus_documents,
    dataset_documents,
    has_answer,
    normalised,
    questions_file,
    read_questions,
    set_name,
    target_documents,
)
from rag.evaluation.scoring import (
    Keep,
    Models,
    Scores,
    document_hits,
    evaluate,
    memory_index,
    named_modes,
    run,
    score,
    table,
    warning,
)
from rag.index.accents import strip_accents

__all__ = ["Keep", "Models", "Question", "Scores", "check_gold", "corpus_documents", "dataset_documents",
           "document_hits", "evaluate", "has_answer", "memory_index", "named_modes", "normalised", "questions_file",
           "read_questions", "run", "score", "set_name", "strip_accents", "table", "target_documents", "warning"]

"""The fixed label ids of ../shared/C177_LABELS.md (homeworker status, C177 topics, coverage)
and the other closed sets of values the stages exchange, as `Literal` types: a type checker
catches a misspelt id, and at run time they stay the plain strings stored and exported."""

from typing import Literal, get_args

Status = Literal["explicit", "excludes", "general", "none"]
STATUSES: tuple[Status, ...] = get_args(Status)

TopicId = Literal[
    "definition", "scope", "national_policy", "equal_treatment", "organising",
    "non_discrimination", "safety_health", "remuneration", "social_security", "training",
    "minimum_age", "maternity", "statistics", "intermediaries", "inspection", "remedies",
    "records", "working_time", "termination",
]  # fmt: skip

# topic id -> (the C177 / R184 article it reflects, short English name)
TOPICS: dict[TopicId, tuple[str, str]] = {
    "definition": ("C177 Art. 1", "Definition of home work and homeworker"),
    "scope": ("C177 Art. 2", "Scope of the law"),
    "national_policy": ("C177 Art. 3, 5", "National policy and consultation"),
    "equal_treatment": ("C177 Art. 4(1)", "Equality of treatment"),
    "organising": ("C177 Art. 4(2)(a)", "Right to organise and bargain"),
    "non_discrimination": ("C177 Art. 4(2)(b)", "Protection against discrimination"),
    "safety_health": ("C177 Art. 4(2)(c), 7", "Occupational safety and health"),
    "remuneration": ("C177 Art. 4(2)(d); R184 14-17", "Remuneration"),
    "social_security": ("C177 Art. 4(2)(e)", "Statutory social security"),
    "training": ("C177 Art. 4(2)(f)", "Access to training"),
    "minimum_age": ("C177 Art. 4(2)(g)", "Minimum age"),
    "maternity": ("C177 Art. 4(2)(h)", "Maternity protection"),
    "statistics": ("C177 Art. 6", "Labour statistics"),
    "intermediaries": ("C177 Art. 8", "Intermediaries and liability"),
    "inspection": ("C177 Art. 9(1)", "Labour inspection"),
    "remedies": ("C177 Art. 9(2)", "Remedies and penalties"),
    "records": ("R184 6-8", "Registers and written particulars"),
    "working_time": ("R184 23-24", "Working time, rest and leave"),
    "termination": ("R184 25", "Termination of employment"),
}
TOPIC_IDS: tuple[TopicId, ...] = tuple(TOPICS)

# Coverage of one jurisdiction for one topic, strongest first.
Coverage = Literal["explicit", "via_scope", "excluded", "general_only", "absent"]
COVERAGES: tuple[Coverage, ...] = get_args(Coverage)

# Why a provision is evidence in a cell of the matrix.
EvidenceRole = Literal["carries topic", "brings homeworkers in", "excludes", "partial exclusion"]
# What a piece of a tag's evidence is: a matched term or exclusion, a context heading, a feature,
# or the role a mention of home work plays in its clause (branch roles).
EvidenceKind = Literal["term", "exclusion", "role", "context", "feature"]
ProvisionKind = Literal["article", "section", "paragraph", "preamble"]
DocumentFormat = Literal["pdf", "docx", "markdown", "html", "text", "json", "finlex"]
# What happened to one document in a run.
DocumentOutcome = Literal["ingested", "unchanged", "failed", "tagged", "tag-unchanged"]

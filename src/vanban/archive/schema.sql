-- vanban archive: the SQLite schema written by `vanban batch` (schema version 1).
--
-- One row in `plans` per stored plan (a file parsed into a PlanRecord), one row in `failures`
-- per file that could not be stored. Every other table hangs off `plans` with
-- ON DELETE CASCADE, so deleting a plan row removes all of its facts; re-parsing a changed file
-- deletes the old plan and inserts the new one in one transaction.
--
-- Conventions
--   * Dates are ISO text as in the record: 'YYYY-MM-DD', or partial 'YYYY-MM' / 'YYYY' when the
--     plan leaves a part blank. They sort and compare as text.
--   * Timestamps (parsed_at, failures.at) are UTC, ISO 8601 with seconds ('2026-05-01T08:30:00Z').
--   * `ord` columns keep the order of the record (0-based), so a plan can be read back as written.
--   * `record_json` is the full PlanRecord (compact JSON, schema in
--     src/vanban/schema/plan-record.schema.json); the other tables are derived from it and can
--     be rebuilt from it. Query it with SQLite's json_extract() for anything not broken out.
--   * Paths are absolute (resolved when the batch ran), so a re-run from another directory
--     still recognises stored files. A file is skipped when (path, sha256) is already stored.
--
-- The connection runs with PRAGMA journal_mode=WAL and foreign_keys=ON; every plan is written in
-- its own transaction, so a batch killed half-way leaves only complete plans behind.

CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,            -- 'schema_version', 'vanban_version'
    value TEXT NOT NULL
);

-- One stored plan.
CREATE TABLE IF NOT EXISTS plans (
    id               INTEGER PRIMARY KEY,
    path             TEXT NOT NULL UNIQUE,   -- absolute source path
    sha256           TEXT NOT NULL,          -- hash of the file's bytes as parsed
    format           TEXT NOT NULL,          -- txt, md, docx, pdf, doc, rtf, odt, image
    pages            INTEGER,                -- pages, when the format has them
    issuer           TEXT,                   -- cơ quan ban hành
    parent_issuer    TEXT,                   -- cơ quan chủ quản
    number           TEXT,                   -- số (NULL when left blank: 'Số: /KH-UBND')
    symbol           TEXT,                   -- ký hiệu, e.g. 'KH-UBND'
    place            TEXT,                   -- địa danh
    date             TEXT,                   -- ngày ban hành (ISO, may be partial)
    doc_type         TEXT,                   -- tên loại, e.g. 'KẾ HOẠCH'
    title            TEXT,                   -- trích yếu
    plan_year        INTEGER,                -- 'năm YYYY' of the title, else the year of the date
    catalogue        TEXT,                   -- criteria catalogue the plan answers to (coverage), if any
    signer_authority TEXT,                   -- 'TM. ỦY BAN NHÂN DÂN', 'KT. CHỦ TỊCH'
    signer_title     TEXT,                   -- 'CHỦ TỊCH'
    signer_name      TEXT,                   -- NULL when the plan shows no signer
    items_count      INTEGER NOT NULL,       -- number of items (tasks) in the record
    warnings_count   INTEGER NOT NULL,       -- diagnostics of level warning or error
    vanban_version   TEXT NOT NULL,          -- version of vanban that parsed the file
    parsed_at        TEXT NOT NULL,
    record_json      TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS plans_issuer ON plans (issuer);
CREATE INDEX IF NOT EXISTS plans_year ON plans (plan_year);

-- One file that could not be stored (the last attempt). Removed when the file is stored later.
CREATE TABLE IF NOT EXISTS failures (
    id      INTEGER PRIMARY KEY,
    path    TEXT NOT NULL UNIQUE,          -- absolute source path
    sha256  TEXT,                          -- NULL when the file could not be read at all
    code    TEXT NOT NULL,                 -- vanban error code: E101 … E107, E100 unexpected
    message TEXT NOT NULL,                 -- Vietnamese: what is wrong and what to do
    at      TEXT NOT NULL
);

-- Căn cứ / thực hiện lines and the documents they cite.
CREATE TABLE IF NOT EXISTS legal_bases (
    plan_id  INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    ord      INTEGER NOT NULL,
    kind     TEXT NOT NULL CHECK (kind IN ('can_cu', 'thuc_hien')),
    doc_type TEXT,
    number   TEXT,
    symbol   TEXT,
    date     TEXT,
    issuer   TEXT,
    text     TEXT NOT NULL,
    PRIMARY KEY (plan_id, ord)
);

-- Tasks: assignment-table rows and paragraphs with inline assignments.
CREATE TABLE IF NOT EXISTS items (
    id          INTEGER PRIMARY KEY,
    plan_id     INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    ord         INTEGER NOT NULL,
    item_key    TEXT NOT NULL,              -- Item.id within the record: 'T1.R3', 'P27', 'U77', 'H25'
    label       TEXT,                       -- the plan's own numbering, '2.3'
    section     TEXT NOT NULL,              -- outline path joined with '/', e.g. 'II/1' ('' at top level)
    text        TEXT NOT NULL,              -- nội dung
    solution    TEXT,                       -- giải pháp
    result      TEXT,                       -- kết quả, sản phẩm
    criterion   TEXT,                       -- catalogue criterion, e.g. '5'
    indicator   TEXT,                       -- catalogue indicator, e.g. '5.2'
    match_score REAL,                       -- criterion match score (0–100) when matched
    review      INTEGER NOT NULL DEFAULT 0, -- 1 when the match should be reviewed by a person
    UNIQUE (plan_id, item_key)
);
CREATE INDEX IF NOT EXISTS items_plan ON items (plan_id, ord);

-- Item × unit with its role: responsible (đơn vị chủ trì / thực hiện), lead (lãnh đạo phụ
-- trách), coordinating (đơn vị phối hợp). Unit names are as written in the plan.
CREATE TABLE IF NOT EXISTS assignments (
    item_id INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    plan_id INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    role    TEXT NOT NULL CHECK (role IN ('responsible', 'lead', 'coordinating')),
    ord     INTEGER NOT NULL,
    unit    TEXT NOT NULL,
    PRIMARY KEY (item_id, role, ord)
);
CREATE INDEX IF NOT EXISTS assignments_unit ON assignments (unit, role);
CREATE INDEX IF NOT EXISTS assignments_plan ON assignments (plan_id);

-- Named people assigned to an item (người phụ trách).
CREATE TABLE IF NOT EXISTS people (
    item_id  INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    plan_id  INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    ord      INTEGER NOT NULL,
    name     TEXT NOT NULL,
    position TEXT,
    PRIMARY KEY (item_id, ord)
);
CREATE INDEX IF NOT EXISTS people_name ON people (name);
CREATE INDEX IF NOT EXISTS people_plan ON people (plan_id);

-- The deadline of an item, as written and as understood (see Deadline in model.py).
CREATE TABLE IF NOT EXISTS deadlines (
    item_id    INTEGER PRIMARY KEY REFERENCES items (id) ON DELETE CASCADE,
    plan_id    INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    date       TEXT,                        -- last day (ISO); NULL for recurring / open phrases
    start      TEXT,                        -- first day of a range
    recurrence TEXT,                        -- continuous, daily, weekly, monthly, quarterly, yearly
    kind       TEXT NOT NULL,               -- day, month, quarter, half_year, year, range, school_year, recurring, open
    text       TEXT NOT NULL                -- the phrase as written
);
CREATE INDEX IF NOT EXISTS deadlines_date ON deadlines (date);
CREATE INDEX IF NOT EXISTS deadlines_plan ON deadlines (plan_id);

-- Plan × catalogue indicator × status (PlanRecord.coverage): covered = someone responsible and a
-- deadline; partial = matched but no one responsible or no deadline; missing = no item matches.
CREATE TABLE IF NOT EXISTS coverage (
    plan_id   INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    catalogue TEXT NOT NULL,
    criterion TEXT NOT NULL,                -- the indicator's criterion ('5' for '5.2')
    indicator TEXT NOT NULL,
    status    TEXT NOT NULL CHECK (status IN ('covered', 'partial', 'missing')),
    PRIMARY KEY (plan_id, indicator)
);
CREATE INDEX IF NOT EXISTS coverage_criterion ON coverage (catalogue, criterion, status);

-- Names of the criteria of every catalogue that a stored plan answers to (for reports).
CREATE TABLE IF NOT EXISTS criteria (
    catalogue TEXT NOT NULL,
    criterion TEXT NOT NULL,
    name      TEXT NOT NULL,
    ord       INTEGER NOT NULL,
    PRIMARY KEY (catalogue, criterion)
);

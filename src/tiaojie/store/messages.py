"""The ledger's messages: every user-facing string of store and ledger, Chinese first.

The strings live here, beside the code that raises them; they join the one catalog of
``tiaojie.i18n`` when this module loads, and render through it (key → (zh, en), ``str.format``
fields, nested messages rendered in the same language).
"""

from __future__ import annotations

from ..i18n import MESSAGES as CATALOG
from ..i18n import Lang, Localized
from ..i18n import tr as core_tr
from .claim_messages import CLAIM_MESSAGES
from .follow_up_messages import FOLLOW_UP_MESSAGES
from .matter_messages import MATTER_MESSAGES
from .notice_messages import NOTICE_MESSAGES
from .review_messages import REVIEW_MESSAGES
from .stats_form_messages import STATS_FORM_MESSAGES
from .trust_messages import TRUST_MESSAGES
from .visit_messages import VISIT_MESSAGES

MESSAGES: dict[str, tuple[str, str]] = {
    # --- database ------------------------------------------------------------------------------
    "db_unreachable": (
        "无法连接数据库 {url}：{detail}。请检查数据库服务是否运行，或用 --db / TIAOJIE_DB 指定其他数据库。",
        "cannot connect to the database {url}: {detail}. Check that the server is running, or choose "
        "another database with --db / TIAOJIE_DB.",
    ),
    "cli_no_folder": ("文件夹「{folder}」不存在，请先建好或换一个位置", "the folder '{folder}' does not exist: create it or choose another"),
    "cli_file_refused": ("无法写入「{path}」：{detail}", "cannot write '{path}': {detail}"),
    "db_bad_url": ("数据库地址无效：{url}（{detail}）", "invalid database URL: {url} ({detail})"),
    "db_unsupported": (
        "不支持的数据库类型「{scheme}」，可用：sqlite、postgresql",
        "unsupported database type '{scheme}'; use sqlite or postgresql",
    ),
    "db_behind": (
        "数据库结构版本 {current} 落后于程序版本 {head}，请先运行 `tiaojie db upgrade`。",
        "the database schema is at {current}, behind {head}; run `tiaojie db upgrade` first.",
    ),
    "db_ahead": (
        "数据库结构版本 {current} 比本程序新（本程序最新为 {head}），请升级 tiaojie。",
        "the database schema {current} is newer than this program knows ({head}); upgrade tiaojie.",
    ),
    "db_not_ledger": (
        "数据库中已有其他表但不是 tiaojie 台账（没有 alembic_version），拒绝写入。",
        "the database has tables but is not a tiaojie ledger (no alembic_version); refusing to write.",
    ),
    "db_upgraded": ("数据库已升级到 {head}", "database upgraded to {head}"),
    "db_error": ("数据库错误：{detail}", "database error: {detail}"),
    "db_busy": ("数据库繁忙，请稍后重试：{detail}", "the database is busy, try again: {detail}"),
    # --- the ledger file: missing, gone, replaced, read-only, full (store/db.py, store/uow.py) ----
    "db_missing": (
        "台账文件 {path} 不存在。新建台账请运行 `tiaojie db init {path}`，或用 `tiaojie demo --db {path}` "
        "建演示台账；不指定 --db 时使用默认位置 {default}（首次运行时自动创建）。",
        "the ledger file {path} does not exist. Create one with `tiaojie db init {path}`, or a demo ledger "
        "with `tiaojie demo --db {path}`; without --db the default location {default} is used (created on "
        "first run).",
    ),
    "db_file_deleted": (
        "台账文件 {path} 已被删除或移走，本次未写入任何内容。请把该文件从备份放回原处后重新启动 tiaojie。",
        "the ledger file {path} was deleted or moved away; nothing was written. Put the file back (from a "
        "backup) and start tiaojie again.",
    ),
    "db_file_replaced": (
        "台账文件 {path} 在运行中被另一个文件替换，本次未写入任何内容。请重新启动 tiaojie，以打开现在位于该路径的台账。",
        "the ledger file {path} was replaced by another file while tiaojie ran; nothing was written. Start "
        "tiaojie again to open the ledger now at that path.",
    ),
    "db_file_readonly": (
        "台账文件 {path} 只读（以只读方式打开，或文件、其所在文件系统不可写），本次未写入任何内容。",
        "the ledger file {path} is read-only (opened read-only, or the file or its file system cannot be "
        "written); nothing was written.",
    ),
    "db_file_frozen": (
        "台账文件 {path} 在运行中被设为不可修改（其 -shm 文件不再可写），为免程序崩溃已停止读写，本次未写入任何内容。"
        "请恢复写权限后重新启动 tiaojie。",
        "the ledger file {path} was made unchangeable while tiaojie ran (its -shm file is no longer "
        "writable); reading and writing stopped rather than crash, nothing was written. Make it writable "
        "again and start tiaojie again.",
    ),
    "db_full": (
        "数据库 {url} 空间已满（磁盘已满或达到数据库大小上限）：{detail}。本次未写入，已保存的数据不受影响；请腾出空间后重试。",
        "the database {url} is full (the disk, or the database's size limit): {detail}. Nothing was "
        "written and what is stored is unharmed; free some space and try again.",
    ),
    "db_readonly": (
        "数据库 {url} 只读，不能写入：{detail}。本次未写入任何内容。",
        "the database {url} is read-only: {detail}. Nothing was written.",
    ),
    "db_io_error": (
        "读写数据库 {url} 时发生磁盘 I/O 错误：{detail}。本次未写入；请检查磁盘和文件，必要时从备份恢复。",
        "a disk I/O error on the database {url}: {detail}. Nothing was written; check the disk and the file, "
        "and restore from a backup if needed.",
    ),
    "db_cannot_open": (
        "无法打开台账文件 {url}：{detail}。文件或其目录可能已被删除、移走、无权访问，或在只读文件系统上"
        "（只读介质上的台账须有其 -wal、-shm 文件才能读）。",
        "cannot open the ledger file {url}: {detail}. The file or its directory may have been deleted, "
        "moved, be out of reach, or be on a read-only file system (a ledger on read-only media is read "
        "only with its -wal and -shm files beside it).",
    ),
    "db_corrupt": (
        "{url} 不是有效的数据库或已损坏：{detail}。请从备份恢复（备份用 `tiaojie db backup FILE`）。",
        "{url} is not a valid database or is damaged: {detail}. Restore it from a backup (made with "
        "`tiaojie db backup FILE`).",
    ),
    "db_backup_done": (
        "已把 {source} 备份到 {target}（{pages} 页，完整性检查通过，审计链 {entries} 条无误）",
        "backed up {source} to {target} ({pages} pages, integrity check ok, audit chain of {entries} entries ok)",
    ),
    "db_backup_exists": (
        "{target} 已存在，未覆盖；确需覆盖请加 --force",
        "{target} already exists and was not overwritten; add --force to overwrite it",
    ),
    "db_backup_failed": ("备份到 {target} 失败：{detail}", "the backup to {target} failed: {detail}"),
    "db_backup_audit": (
        "已备份到 {target}，但台账的审计链有 {count} 处问题（见上），备份与台账一样；请核查",
        "backed up to {target}, but the ledger's audit chain has {count} problems (above), in the copy as in "
        "the ledger; look into them",
    ),
    "db_backup_same": (
        "备份文件 {target} 就是台账本身，请换一个路径",
        "the backup file {target} is the ledger itself; choose another path",
    ),
    "db_backup_memory": ("内存中的数据库无法备份到文件", "a database in memory cannot be backed up to a file"),
    "db_backup_postgresql": (
        "PostgreSQL 台账请用服务器自带的工具备份，tiaojie 不复制服务器上的数据：\n"
        "  pg_dump --format=custom --file={target} \"{dsn}\"\n"
        "恢复：pg_restore --dbname=<目标数据库> {target}\n"
        "登录角色和组角色属于整个数据库集群，pg_dump 不包含它们，请另行备份：\n"
        "  pg_dumpall --roles-only --host={host} --port={port} > roles.sql",
        "back up a PostgreSQL ledger with the server's own tools; tiaojie does not copy server data:\n"
        "  pg_dump --format=custom --file={target} \"{dsn}\"\n"
        "restore: pg_restore --dbname=<target database> {target}\n"
        "login and group roles belong to the whole cluster and pg_dump leaves them out; keep them too:\n"
        "  pg_dumpall --roles-only --host={host} --port={port} > roles.sql",
    ),
    # --- end of the ledger-file block ------------------------------------------------------------
    # --- permissions / users -------------------------------------------------------------------
    "permission_denied": (
        "用户「{user}」（{role}）无权{action}",
        "user '{user}' ({role}) may not {action}",
    ),
    "no_user": (
        "请用 --user 或 TIAOJIE_USER 指明操作人",
        "say who is acting with --user or TIAOJIE_USER",
    ),
    "unknown_user": ("用户「{user}」不存在{hint}", "no user '{user}'{hint}"),
    "user_exists": ("用户「{user}」已存在", "user '{user}' already exists"),
    "bootstrap_admin": (
        "台账中还没有用户：第一个用户必须是管理员（admin）",
        "the ledger has no users yet: the first user must be an admin",
    ),
    "unknown_unit": ("单位「{unit}」不存在{hint}", "no unit '{unit}'{hint}"),
    "unit_exists": ("单位代码「{code}」已存在", "unit code '{code}' already exists"),
    "unit_parent_level": (
        "单位层级不对：{level} 的上级应为 {expected}，实际是 {actual}",
        "wrong unit level: the parent of a {level} must be a {expected}, not a {actual}",
    ),
    "role_mediator": ("调解员", "mediator"),
    "role_clerk": ("财务", "clerk"),
    "role_policy": ("政策人员", "policy staff"),
    "role_admin": ("管理员", "admin"),
    "action_case_write": ("登记或修改案件", "add or edit cases"),
    "action_period_compute": ("计算期间奖补", "compute a period"),
    "action_period_close": ("关闭（锁定）期间", "close (lock) a period"),
    "action_adjust": ("登记更正（调整）", "record an adjustment"),
    "action_import": ("导入历史台账", "import historical ledgers"),
    "action_rules_edit": ("修改规则文件", "edit rule files"),
    "activation_refused_check": ("规则草稿未通过检查，未启用：\n{detail}", "the draft rules do not pass the check; not activated:\n{detail}"),
    "activation_refused_tests": ("规则草稿有 {failed} 个示例未通过，未启用：\n{detail}", "{failed} examples of the draft fail; not activated:\n{detail}"),
    "activation_refused_lint": ("规则草稿有 {count} 条审查发现，未启用（确认后可加 --accept-warnings）：\n{detail}", "the draft has {count} lint findings; not activated (add --accept-warnings to accept them):\n{detail}"),
    # --- only activated rules write (ledger/context.py, ledger/policy_changes.py, cli/db_cmds.py) --
    "rules_draft_write": (
        "规则草稿 {draft} 尚未启用，只能试算，不能写入台账；未写入任何内容。请先用 `tiaojie rules activate {draft}` "
        "启用（须通过检查、示例与审查），再不带 --rules 重试。",
        "the draft rules {draft} are not activated: they can show a what-if but not write to the ledger; nothing "
        "was written. Activate them first with `tiaojie rules activate {draft}` (check, examples and lint must "
        "pass), then retry without --rules.",
    ),
    "rules_cli_draft_refused": (
        "--rules {draft}（或 TIAOJIE_RULES）只能用于试算（如 period show、period compute）；写入台账只用已启用的规则，"
        "未写入任何内容。请先用 `tiaojie rules activate {draft}` 启用，再不带 --rules 重试。",
        "--rules {draft} (or TIAOJIE_RULES) is for what-ifs only (such as period show, period compute); the ledger "
        "is written only through its activated rules, and nothing was written. Activate them first with "
        "`tiaojie rules activate {draft}`, then retry without --rules.",
    ),
    "rules_none_activated": (
        "本台账还没有启用的规则集（由旧版本建立），不能写入；未写入任何内容。请先启用一套规则："
        "`tiaojie rules activate {dir}`。",
        "this ledger has no activated rule set (it was made by an older version), so it cannot be written; "
        "nothing was written. Activate a rule set first: `tiaojie rules activate {dir}`.",
    ),
    "rules_not_activated_files": (
        "内存中的规则（{dir}）与台账启用的规则集 #{id} 不一致：{files}（文件在启用后被修改，或另一工作站启用了新规则）；"
        "未写入任何内容。请重新打开台账，或先启用修改后的规则：`tiaojie rules activate {dir}`。",
        "the rules in memory ({dir}) are not the ledger's activated rule set #{id}: {files} (edited since "
        "activation, or another station activated new rules); nothing was written. Reopen the ledger, or "
        "activate the edited rules first: `tiaojie rules activate {dir}`.",
    ),
    "rules_draft_notice": (
        "草稿试算：以下数字按未启用的规则 {draft} 计算，不入账。",
        "draft what-if: the figures below are under the rules {draft}, which are not activated; nothing is stored.",
    ),
    "rules_unactivated_notice": (
        "本台账还没有启用的规则集：读取按 {dir}；写入前请先 `tiaojie rules activate {dir}`。",
        "this ledger has no activated rule set: reading with {dir}; before any write, run "
        "`tiaojie rules activate {dir}`.",
    ),
    "rules_start_by_nobody": (
        "台账已有用户或已启用规则：启用规则须由政策人员或管理员（--user）进行",
        "the ledger already has users or activated rules: rules are activated by a policy officer or an admin (--user)",
    ),
    "db_init_done": (
        "已建立台账 {url}，启用起始规则集 #{id}（{files} 个文件，来自 {source}），已记入审计日志。"
        "下一步：`tiaojie user add 用户名 --role admin --db {url}` 添加第一位管理员。",
        "ledger {url} created with the starting rule set #{id} ({files} files, from {source}) in force, recorded "
        "in the audit log. Next: add the first admin with `tiaojie user add NAME --role admin --db {url}`.",
    ),
    "db_init_exists": (
        "{url} 已是台账（规则集 #{id} 已启用），未改动；更换规则请用 `tiaojie rules activate 目录`。",
        "{url} is already a ledger (rule set #{id} in force); nothing changed. To change its rules use "
        "`tiaojie rules activate DIR`.",
    ),
    "rules_files_changed_during": (
        "启用期间规则文件被修改：{files}；未启用，请重试。",
        "rule files changed while being activated: {files}; not activated, try again.",
    ),
    # --- end of the activated-rules block ----------------------------------------------------------
    "no_such_version": ("台账中没有政策「{policy}」内容哈希为 {hash} 的版本", "the ledger keeps no version of policy '{policy}' with hash {hash}"),
    "action_user_admin": ("管理用户和单位", "manage users and units"),
    "action_dividend": ("进行分红计算", "run dividend distributions"),
    "action_collective_edit": ("维护集体经济组织", "maintain collectives"),
    "action_banquet": ("登记酒席报备", "file banquets"),
    "action_read": ("查看台账", "read the ledger"),
    # --- cases ---------------------------------------------------------------------------------
    "case_exists": ("单位「{unit}」已有卷号「{number}」的案件", "unit '{unit}' already has a case numbered '{number}'"),
    "unknown_case": ("案件「{case}」不存在", "no case '{case}'"),
    "case_number_in_units": (
        "卷号「{case}」在多个单位都有：{units}；请写明单位（单位代码/卷号）",
        "case number '{case}' is used in several units: {units}; name the unit (UNIT-CODE/NUMBER)",
    ),
    "case_field": ("字段「{field}」：{detail}", "field '{field}': {detail}"),
    "value_invalid": ("{detail}", "{detail}"),
    "case_unknown_field": (
        "案件没有字段「{field}」{hint}；新字段请在 rules/fields.toml 中声明",
        "cases have no field '{field}'{hint}; declare a new field in rules/fields.toml",
    ),
    "case_computed_field": ("「{field}」由台账根据案件计算，不能填写", "'{field}' is computed by the ledger from the case; it cannot be set"),
    "case_dates": ("{later}（{later_date}）早于{earlier}（{earlier_date}）", "{later} ({later_date}) is before {earlier} ({earlier_date})"),
    # --- scope and dates (ledger/scope.py, ledger/dates.py) ------------------------------------
    "unit_out_of_scope": (
        "用户「{user}」只能查看和处理「{scope}」及其下属单位的案件和报备；「{unit}」不在其内",
        "user '{user}' reads and writes only cases and filings of '{scope}' and the units under it; '{unit}' is not one of them",
    ),
    "whole_tree_only": (
        "用户「{user}」只看得到「{scope}」及其下属单位：关闭期间和启用规则关系到全县，只能由看得到全部单位的用户进行",
        "user '{user}' sees only '{scope}' and the units under it: closing a period and activating rules concern the whole county and are done by a user who sees every unit",
    ),
    "date_after_today": ("{field}（{date}）晚于今天（{today}）：日期不能在将来", "{field} ({date}) is after today ({today}); a date cannot be in the future"),
    "date_impossible": ("{field}：没有 {value} 这一天", "{field}: there is no such day as {value}"),
    "imp_impossible_date": ("没有「{value}」这一天", "there is no such day as '{value}'"),
    "case_not_open": ("案件状态为「{status}」，不能再{action}", "the case is '{status}'; it cannot be {action} again"),
    "case_top_level": ("案件已在最高层级「{level}」", "the case is already at the top level '{level}'"),
    "verb_settle": ("调结", "settled"),
    "adjust_places": ("调整金额「{amount}」最多两位小数（到分）", "the adjustment '{amount}' has more than two decimals (fen)"),
    "activation_refused_unjudged": (
        "未启用：新规则下有 {count} 件未关闭期间的案件无法求值，启用后这些案件将无法发放：\n{detail}",
        "not activated: under the draft {count} cases of open periods cannot be evaluated and could not be paid:\n{detail}",
    ),
    "period_unjudged": (
        "期间 {period} 有 {count} 件案件无法按现行规则求值，不能计算或发放（否则这些案件将被锁定而未获奖补）。请先修正规则或案件：\n  {cases}",
        "period {period}: {count} cases cannot be evaluated under the rules in force; the period cannot be computed or "
        "paid (they would be locked out unpaid). Fix the rules or the cases first:\n  {cases}",
    ),
    "check_undeclared_stored": (
        "信息：台账中有 {cases} 件案件保存了字段「{field}」，但 fields.toml 已不再声明它；值仍保留，规则读不到，重新声明即可恢复",
        "info: {cases} cases keep a value of '{field}', which fields.toml no longer declares; the values are kept but no "
        "rule reads them until it is declared again",
    ),
    "cli_due": ("答复期限 {due}", "answer by {due}"),
    "cli_overdue": ("已超期 {days} 天", "{days} days overdue"),
    "cli_judged_now": ("按现行规则即时计算，未存", "judged now under the rules in force, not stored"),
    "cli_history": ("此前的结果（已被替换）：", "earlier outcomes (replaced):"),
    # what replaced an earlier outcome, as its history line says it
    "case_action_case.add": ("登记", "entered"),
    "case_action_case.edit": ("修改", "edited"),
    "case_action_case.settle": ("调结", "settled"),
    "case_action_case.escalate": ("上报", "escalated"),
    "case_action_case.follow_up": ("回访", "follow-up"),
    "case_changed_escalations": ("层级变更", "level changes"),  # as the case detail screen says it
    "cli_escalated": ("{on} 由「{source}」上报至「{target}」：{reason}（{by}）", "{on} escalated from '{source}' to '{target}': {reason} ({by})"),
    "verb_escalate": ("升级", "escalated"),
    "case_use_escalate": (
        "案件 {number}：状态不能直接填为「{status}」（层级不会随之改变，也不留上报记录）；请用「上报」"
        "（终端界面的台账中按 u，或命令 tiaojie case escalate），它会记下上报的层级、日期和原因",
        "case {number}: the status cannot be typed in as '{status}' (the level would not move and no step would be "
        "recorded); use Escalate (u on the ledger screen of the terminal UI, or the command tiaojie case escalate), "
        "which records the level, the day and the reason",
    ),
    # --- periods -------------------------------------------------------------------------------
    "bad_period": (
        "期间「{key}」格式无效，应为 2026-05（月）、2026Q2（季）或 2026（年）",
        "period '{key}' is not valid; use 2026-05 (month), 2026Q2 (quarter) or 2026 (year)",
    ),
    "period_no_such_month": (
        "期间「{key}」不存在：一年只有 1–12 月",
        "period '{key}' does not exist: a year has months 1 to 12",
    ),
    "period_closed": (
        "期间 {period} 已关闭（{by} 于 {at} 锁定），不能修改其中的案件或发放；如需更正，请在未关闭的期间登记调整并说明原因。",
        "period {period} is closed (locked by {by} at {at}); its cases and payouts cannot change. "
        "Record a correction as an adjustment in an open period, with a reason.",
    ),
    "period_already_closed": ("期间 {period} 已经关闭", "period {period} is already closed"),
    "period_not_over": (
        "期间 {period} 到 {end} 才结束，结束后才能关账（关账会锁定其中受理的案件）",
        "period {period} runs until {end}; it can be closed once it is over (closing locks the cases received in it)",
    ),
    "adjust_reason": ("调整必须说明原因", "an adjustment needs a reason"),
    "adjust_zero": ("调整金额不能为零", "an adjustment amount cannot be zero"),
    "adjust_needs_open": ("调整只能登记在未关闭的期间；{period} 已关闭", "an adjustment must be booked in an open period; {period} is closed"),
    "adjust_not_paid": (
        "案件 {number}（{unit}）于 {settled} 调结，奖励尚未发放：调整只更正已关账期间发放过的金额；"
        "该案将在其所在期间 {period} 关账时发放，无需调整",
        "case {number} ({unit}), settled on {settled}, has not been paid yet: an adjustment corrects money paid in a "
        "closed period; the case will be paid in its own period, {period}, when it closes",
    ),
    "adjust_not_settled": (
        "案件 {number}（{unit}）尚未调结，未发放过奖励：调整只更正已关账期间发放过的金额；该案调结后，在其所在期间关账时发放",
        "case {number} ({unit}) is not settled and has been paid nothing: an adjustment corrects money paid in a "
        "closed period; once settled, the case will be paid in its own period when that period closes",
    ),
    # --- audit ---------------------------------------------------------------------------------
    "audit_ok": ("审计日志完整：{count} 条记录，哈希链无误", "audit log intact: {count} entries, hash chain verified"),
    "audit_changed": ("第 {seq} 条审计记录被修改（哈希不符）", "audit entry {seq} was changed (hash mismatch)"),
    "audit_link": ("第 {seq} 条审计记录与前一条不相连（前一条被删除或修改）", "audit entry {seq} does not link to the one before it (removed or changed)"),
    "audit_gap": ("审计记录第 {start} 至 {end} 条缺失", "audit entries {start} to {end} are missing"),
    "audit_head": (
        "审计日志末尾不符：应有 {expected} 条、末条哈希 {hash}，实际 {actual} 条（末尾记录被删除或追加）",
        "audit log end does not match: expected {expected} entries ending in {hash}, found {actual} (newest entries removed or added)",
    ),
    # --- import --------------------------------------------------------------------------------
    "import_row": ("第 {row} 行，{column}：{reason}", "row {row}, {column}: {reason}"),
    "import_file": ("文件：{reason}", "file: {reason}"),
    "imp_encoding": (
        "不是 UTF-8 编码（如为 GBK/GB18030 导出的文件，请另存为 UTF-8 或指定 --encoding gb18030）",
        "not UTF-8 (if the file was saved as GBK/GB18030, save it as UTF-8 or pass --encoding gb18030)",
    ),
    "imp_missing_column": ("缺少必需的列（可用列名：{names}）", "required column is missing (accepted names: {names})"),
    "imp_unknown_column": ("无法识别的列名「{name}」{hint}", "unrecognised column '{name}'{hint}"),
    "imp_duplicate_column": ("列「{name}」出现了两次", "column '{name}' appears twice"),
    "imp_empty": ("文件没有数据行", "the file has no data rows"),
    "imp_required": ("必填项为空", "required value is empty"),
    "imp_bad_date": ("「{value}」不是有效日期（应为 YYYY-MM-DD）", "'{value}' is not a valid date (use YYYY-MM-DD)"),
    "imp_bad_amount": ("「{value}」不是有效金额", "'{value}' is not a valid amount"),
    "imp_negative": ("金额不能为负数：{value}", "amount cannot be negative: {value}"),
    "imp_bad_int": ("「{value}」不是非负整数", "'{value}' is not a non-negative whole number"),
    "imp_bad_bool": ("「{value}」应为 是/否", "'{value}' should be yes/no"),
    "imp_bad_enum": ("「{value}」不是有效的{field}{hint}；可选：{choices}", "'{value}' is not a valid {field}{hint}; choices: {choices}"),
    "imp_unknown_unit": ("单位「{value}」不存在{hint}", "no unit '{value}'{hint}"),
    "imp_duplicate_in_file": ("与第 {other} 行卷号重复", "same unit and number as row {other}"),
    "imp_period_closed": ("日期 {date} 落在已关闭的期间 {period}", "date {date} falls in the closed period {period}"),
    "imp_more_problems": ("另有 {count} 处错误未列出（共 {rows} 行有错误）", "{count} more problems not listed ({rows} bad rows in all)"),
    "imp_columns_count": ("列数 {actual} 与表头 {expected} 不符", "{actual} cells but the header has {expected}"),
    "imp_xlsx": ("无法读取 XLSX 文件：{detail}", "cannot read the XLSX file: {detail}"),
    "imp_format": ("不支持的文件类型「{suffix}」，请用 .csv 或 .xlsx", "unsupported file type '{suffix}'; use .csv or .xlsx"),
    "imp_summary": (
        "导入 {added} 件，已存在跳过 {existing} 件，错误 {bad} 行",
        "imported {added} cases, {existing} already present, {bad} bad rows",
    ),
    "imp_nothing_written": ("有错误行，未写入任何数据", "there are bad rows; nothing was written"),
    "imp_bad_saved": ("错误行已保存到 {path}", "bad rows saved to {path}"),
    "did_you_mean": ("，是否想写「{suggestion}」？", "; did you mean '{suggestion}'?"),
    "vocab_missing": (
        "缺少词汇表 fields.toml 中的枚举「{enum}」",
        "the enumeration '{enum}' is missing from fields.toml",
    ),
    # --- rule drafts and rule tables in spreadsheets (ledger/drafts.py, rules draft/export/import-table) ---
    "draft_bad_name": (
        "草稿名「{name}」不可用：应为 1–{limit} 个字符，不含 / \\ : * ? \" < > | 等符号，不以点或空格开头",
        "the draft name '{name}' cannot be used: 1–{limit} characters, none of / \\ : * ? \" < > |, not starting with a dot or a space",
    ),
    "draft_no_activated_set": (
        "台账还没有启用的规则集，无法建立草稿：草稿是启用规则集的副本",
        "the ledger has no activated rule set to copy: a draft is a copy of the activated set",
    ),
    "draft_exists": ("已有名为「{name}」的草稿：{path}", "a draft named '{name}' already exists: {path}"),
    "draft_missing": (
        "没有名为「{name}」的草稿{hint}；此台账的草稿：{names}（用 tiaojie rules draft new 名称 建立）",
        "no draft named '{name}'{hint}; this ledger's drafts: {names} (make one with tiaojie rules draft new NAME)",
    ),
    "draft_created": (
        "已建立草稿「{name}」：启用规则集 #{set} 的 {files} 个文件，位于 {path}",
        "draft '{name}' made: the {files} files of activated rule set #{set}, in {path}",
    ),
    "draft_deleted": ("已删除草稿「{name}」（{path}）", "draft '{name}' deleted ({path})"),
    "draft_none": ("此台账还没有规则草稿；用 tiaojie rules draft new 名称 建立", "this ledger has no rule drafts; make one with tiaojie rules draft new NAME"),
    "draft_line": ("{name}  复制自规则集 #{set}  建立于 {created}  {changed}", "{name}  copied from rule set #{set}  made {created}  {changed}"),
    "draft_unchanged": ("未改动", "unchanged"),
    "draft_changed": ("已改动：{files}", "changed: {files}"),
    "draft_behind": (
        "草稿「{name}」复制自规则集 #{base}，此后已启用 #{latest}：影响与对比均相对当前启用的 #{latest}",
        "draft '{name}' was copied from rule set #{base}; #{latest} has been activated since: impact and diff are against #{latest}",
    ),
    "draft_or_dir": ("请给出规则目录或 --draft 草稿名（二者只给一个）", "give a rules directory or --draft NAME (one of them, not both)"),
    "draft_diff_against": ("对比：启用的规则集 #{set} → 草稿「{name}」", "comparing activated rule set #{set} → draft '{name}'"),
    "table_exported": ("已导出政策「{policy}」{version}：{rows} 条规则、{examples} 个示例 → {path}",
                       "exported policy '{policy}' {version}: {rows} rows, {examples} examples → {path}"),
    "table_imported": ("已把「{policy}」{version} 的 {rows} 条规则、{examples} 个示例写入草稿「{name}」：{path}",
                       "wrote {rows} rows and {examples} examples of '{policy}' {version} into draft '{name}': {path}"),
    "table_import_refused": ("表格有 {count} 处问题，草稿未改动", "the workbook has {count} problems; the draft is unchanged"),
    "table_no_policy_file": (
        "草稿「{name}」中没有政策「{policy}」版本 {version} 的文件{hint}",
        "draft '{name}' has no file of policy '{policy}' version {version}{hint}",
    ),
    "table_cannot_write": ("无法写入 {path}：{detail}", "cannot write {path}: {detail}"),
    "cli_demo_password": (
        "演示用户（admin、clerk、policy、med01…）的密码都是 {password}：tiaojie login --user clerk",
        "every demo user (admin, clerk, policy, med01…) has the password {password}: tiaojie login --user clerk",
    ),
    # --- each collective bound to its own dividend policy (ledger/dividends.py) -----------------
    "action_collective_policy": ("更改集体经济组织的分红政策", "change a collective's dividend policy"),
    "unknown_collective": ("集体经济组织「{code}」不存在{hint}", "no collective '{code}'{hint}"),
    "not_dividend_policy": ("「{policy}」不是分红政策（可选：{choices}）", "'{policy}' is not a dividend policy (choose from: {choices})"),
    "collective_unbound": (
        "集体经济组织「{code}」还没有绑定分红政策：请政策人员运行 tiaojie collective set-policy {code} 政策编号",
        "collective '{code}' is bound to no dividend policy yet: policy staff bind one with tiaojie collective set-policy {code} POLICY",
    ),
    "dividend_policy_differs": (
        "集体经济组织「{code}」的分红政策是「{bound}」，不是「{given}」：分红只按本集体绑定的政策计算；更改绑定由政策人员运行 tiaojie collective set-policy",
        "collective '{code}' is bound to the dividend policy '{bound}', not '{given}': a run uses the collective's own policy; policy staff change it with tiaojie collective set-policy",
    ),
}


_PARTS = (MESSAGES, TRUST_MESSAGES, REVIEW_MESSAGES, MATTER_MESSAGES, VISIT_MESSAGES, CLAIM_MESSAGES,
          FOLLOW_UP_MESSAGES, NOTICE_MESSAGES, STATS_FORM_MESSAGES)  # the ledger's catalog, kept in a module per subject


def _join_catalog() -> None:
    for part in _PARTS:
        for key, texts in part.items():
            if CATALOG.setdefault(key, texts) != texts or sum(key in p for p in _PARTS) > 1:
                raise RuntimeError(f"message key {key!r} means two things")


_join_catalog()
tr = core_tr


class Message(Localized):
    """A ledger message whose language is chosen when shown; may nest inside another's parameters."""

    __slots__ = ()

    def __init__(self, key: str, /, **params: object):
        if not any(key in part for part in _PARTS):
            raise KeyError(key)
        super().__init__(key, **params)

    def __repr__(self) -> str:
        return f"Message({self.key!r}, {self.params!r})"


class LedgerError(Exception):
    """Base of every expected failure of store and ledger; carries a bilingual message."""

    def __init__(self, key: str, /, **params: object):
        self.msg = Message(key, **params)
        super().__init__(self.msg.render("en"))

    @property
    def key(self) -> str:
        return self.msg.key

    def message(self, lang: Lang = "zh") -> str:
        return self.msg.render(lang)

    def bilingual(self) -> str:
        return self.msg.bilingual()


class StoreUnavailable(LedgerError):
    """The database cannot be reached or opened."""


class SchemaMismatch(LedgerError):
    """The database's schema version is not this program's."""


class Conflict(LedgerError):
    """A uniqueness rule: a case number taken, a user name taken."""


def did_you_mean(word: object, choices) -> Message | str:
    import difflib

    match = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return Message("did_you_mean", suggestion=match[0]) if match else ""

"""The messages of who may act and what proves it: PostgreSQL login roles, sign-in, passwords and
sessions, and the audit log's published heads and key. They join the one catalog through
``store/messages.py`` like every other ledger message (key → (zh, en))."""

from __future__ import annotations

TRUST_MESSAGES: dict[str, tuple[str, str]] = {
    # --- PostgreSQL login roles (store/pg_roles.py) ------------------------------------------
    "pg_role_name_too_long": (
        "用户名「{role}」不能作为 PostgreSQL 角色名：不能为空，且不超过 {limit} 字节（约 21 个汉字）",
        "the user name '{role}' cannot be a PostgreSQL role name: it must not be empty, and at most {limit} bytes",
    ),
    "pg_role_not_tiaojie": (
        "PostgreSQL 已有名为「{role}」的角色，但它不是 tiaojie 用户的登录角色；tiaojie 不接管它。请换一个用户名，或请数据库管理员处理",
        "PostgreSQL already has a role named '{role}' that is not a tiaojie user's login role; tiaojie does not take "
        "it over. Choose another user name, or ask the database administrator",
    ),
    "pg_role_missing": (
        "PostgreSQL 中没有「{role}」的登录角色，台账里也没有这个用户；请管理员用 tiaojie user add 添加",
        "PostgreSQL has no login role '{role}' and the ledger has no such user; an admin can add one with tiaojie user add",
    ),
    "db_refused_by_role": (
        "数据库拒绝了这次操作：{detail}。PostgreSQL 台账上，每个用户只能做其角色允许、在其所辖单位范围内的事；未写入任何内容。",
        "the database refused this: {detail}. On a PostgreSQL ledger each user may do only what their role allows, "
        "within their units; nothing was written.",
    ),
    "pg_role_refused": (
        "数据库拒绝了对登录角色「{role}」的修改：{detail}",
        "the database refused the change to login role '{role}': {detail}",
    ),
    # --- audit: published heads and the key kept outside the database (store/audit.py, audit_key.py)
    "audit_head_now": (
        "审计链头 {head}（请在台账之外留存，日后用 tiaojie audit verify --head 核对）",
        "audit chain head {head} (keep it outside the ledger; check it later with tiaojie audit verify --head)",
    ),
    "audit_head_bad": (
        "链头「{text}」格式不对：应为 条数:哈希（哈希至少 12 位十六进制），例如 {example}",
        "head '{text}' is not N:HASH (a count, a colon and at least 12 hex digits of the hash), e.g. {example}",
    ),
    "audit_anchor_ok": (
        "前 {count} 条审计记录与公布的链头 {head} 一致：公布后未被改动",
        "the first {count} audit entries match the published head {head}: unchanged since it was published",
    ),
    "audit_anchor_changed": (
        "审计记录与公布的链头 {head} 不符：第 {span} 条中有记录在链头公布后被改动或替换（按现有内容重算，链的末条哈希为 {actual}…）",
        "the audit log does not match the published head {head}: entries {span} include one changed or replaced "
        "since it was published (recomputed from their content, the chain ends in {actual}…)",
    ),
    "audit_anchor_foreign": (
        "链头 {head} 不是本台账的：另一个同为前 {count} 条的链头与审计日志一致（是否抄错？）",
        "the head {head} is not this ledger's: another head for the same first {count} entries matches the log (miscopied?)",
    ),
    "audit_anchor_missing": (
        "公布的链头 {head} 所含的第 {span} 条审计记录缺失（已被删除）",
        "audit entries {span}, covered by the published head {head}, are missing (deleted)",
    ),
    "audit_anchor_short": (
        "审计日志现在只到第 {actual} 条：公布的链头 {head} 所含的第 {span} 条已被删除",
        "the audit log now ends at entry {actual}: entries {span}, covered by the published head {head}, were deleted",
    ),
    "audit_hmac_bad": (
        "第 {span} 条审计记录的 HMAC 不符：内容或哈希被没有密钥的人改动，或所用密钥不对",
        "audit entries {span}: the HMAC does not match — content or hash changed by someone without the key, or the wrong key",
    ),
    "audit_hmac_missing": (
        "第 {span} 条审计记录没有 HMAC，而此前已有带 HMAC 的记录：被改写，或在没有密钥时写入",
        "audit entries {span} carry no HMAC although earlier entries do: rewritten, or written without the key",
    ),
    "audit_hmac_predate": (
        "{count} 条审计记录早于密钥启用（第 {first} 条之前），没有 HMAC",
        "entries that predate the key (before entry {first}) and carry no HMAC: {count}",
    ),
    "audit_hmac_none": (
        "全部 {count} 条审计记录都没有 HMAC（均早于密钥启用）",
        "no entry carries an HMAC: all {count} predate the key",
    ),
    "audit_hmac_ok": ("{count} 条审计记录的 HMAC 已用密钥核对无误", "HMACs verified with the key: {count}"),
    "audit_hmac_unchecked": (
        "{count} 条审计记录带有 HMAC，但未设置密钥（TIAOJIE_AUDIT_KEY 或 TIAOJIE_AUDIT_KEY_FILE），HMAC 未核对",
        "HMACs not checked: no key is set (TIAOJIE_AUDIT_KEY or TIAOJIE_AUDIT_KEY_FILE) for the entries that carry one: {count}",
    ),
    "audit_no_anchor": (
        "未核对公布的链头：链无误只说明各条记录彼此相符；用 tiaojie audit verify --head N:HASH 核对此前公布的链头，才能证明未被整体改写",
        "no published head was checked: an intact chain only shows the entries agree with each other; check a head "
        "published earlier with tiaojie audit verify --head N:HASH to prove they were not rewritten",
    ),
    "audit_key_unreadable": (
        "无法读取审计密钥文件 {path}（TIAOJIE_AUDIT_KEY_FILE）：{detail}。请检查路径和读取权限。",
        "cannot read the audit key file {path} (TIAOJIE_AUDIT_KEY_FILE): {detail}. Check the path and its permissions.",
    ),
    "audit_key_empty": ("审计密钥为空：{where}", "the audit key is empty: {where}"),
    "audit_key_both": ("{env} 和 {file_env} 只能设置其中一个", "set only one of {env} and {file_env}"),
    # --- sign-in, passwords, sessions (ledger/auth.py, ledger/passwords.py, cli/login_cmds.py) ---
    "password_too_short": ("{field}太短：密码至少 {min} 个字符", "{field} is too short: a password has at least {min} characters"),
    "password_too_long": ("{field}太长：密码最多 {max} 个字符", "{field} is too long: a password has at most {max} characters"),
    "password_field": ("密码", "password"),
    "password_field_new": ("新密码", "the new password"),
    "sign_in_refused": ("登录失败：用户名或密码不对，或该用户已停用", "sign-in refused: wrong name or password, or the user is disabled"),
    "sign_in_wait": (
        "登录失败次数过多，请 {seconds} 秒后再试（管理员可重设密码）",
        "too many failed sign-ins; try again in {seconds} s (an admin can reset the password)",
    ),
    "token_refused": (
        "登录已过期或无效，请重新登录：tiaojie login --user 用户名",
        "the session has expired or is not valid; sign in again: tiaojie login --user NAME",
    ),
    "no_credentials": (
        "需要验证操作人「{user}」：先运行 tiaojie login --user {user}，或为脚本设置 TIAOJIE_PASSWORD",
        "user '{user}' must be authenticated: run tiaojie login --user {user} first, or set TIAOJIE_PASSWORD for scripts",
    ),
    "session_other_user": (
        "当前登录的是「{signed}」，不能以「{user}」操作；请先 tiaojie login --user {user}",
        "signed in as '{signed}', not '{user}'; run tiaojie login --user {user} first",
    ),
    "connection_other_user": (
        "数据库连接的用户是「{signed}」，不能以「{user}」操作",
        "the database connection belongs to '{signed}', not '{user}'",
    ),
    "passwords_differ": ("两次输入的{field}不一致", "the two entries of {field} differ"),
    "no_new_password": (
        "请在终端中输入新用户的密码，或为脚本设置 TIAOJIE_NEW_PASSWORD",
        "type the new user's password on a terminal, or set TIAOJIE_NEW_PASSWORD for scripts",
    ),
    "user_disable_self": ("不能停用自己（用户「{user}」）", "you cannot disable yourself (user '{user}')"),
    "prompt_password": ("「{user}」的密码", "password of '{user}'"),
    "prompt_old_password": ("当前密码", "current password"),
    "prompt_new_password": ("新密码", "new password"),
    "prompt_new_password_again": ("再次输入新密码", "new password again"),
    "signed_in_until": ("已登录：{user}，有效至 {expires}", "signed in as {user} until {expires}"),
    "signed_in_pg": (
        "PostgreSQL 台账由数据库自身验证身份（libpq：PGPASSWORD、.pgpass、服务文件），无需 tiaojie login；当前为「{user}」",
        "a PostgreSQL ledger is signed in by the database itself (libpq: PGPASSWORD, .pgpass, service files); "
        "no tiaojie login needed; acting as '{user}'",
    ),
    "signed_out": ("已退出登录", "signed out"),
    "not_signed_in": ("当前没有登录", "not signed in"),
    "password_changed": ("密码已修改：{user}", "password changed: {user}"),
    "password_reset_done": ("已重设「{user}」的密码，其登录会话已失效", "password of '{user}' reset; their sessions are revoked"),
    "user_disabled_done": ("已停用用户「{user}」，其登录会话已失效", "user '{user}' disabled; their sessions are revoked"),
    "user_enabled_done": ("已启用用户「{user}」", "user '{user}' enabled"),
    "user_state_active": ("启用", "active"),
    "user_state_disabled": ("停用", "disabled"),
    "th_user_state": ("状态", "state"),
}

"""The message catalog: every user-facing string of the core, Chinese first, English second."""

from __future__ import annotations

from typing import Literal

Lang = Literal["zh", "en"]
DEFAULT_LANG: Lang = "zh"

# key: (zh, en). Templates use str.format fields.
MESSAGES: dict[str, tuple[str, str]] = {
    # --- rule file loading -------------------------------------------------------------------
    "toml_syntax": ("TOML 语法错误：{detail}", "TOML syntax error: {detail}"),
    "file_unreadable": ("无法读取文件：{detail}", "cannot read file: {detail}"),
    "not_utf8": ("文件不是 UTF-8 编码", "file is not UTF-8 encoded"),
    "unknown_key": ("未知字段「{key}」{hint}", "unknown field '{key}'{hint}"),
    "did_you_mean": ("，是否想写「{suggestion}」？", "; did you mean '{suggestion}'?"),
    "missing_key": ("缺少必填字段「{key}」", "missing required field '{key}'"),
    "wrong_type": ("「{key}」应为{expected}，实际是 {actual!s}", "'{key}' should be {expected}, got {actual!s}"),
    "bad_value": ("「{key}」的值无效：{detail}", "invalid value for '{key}': {detail}"),
    "bad_choice": ("「{key}」的值「{value}」无效，可选：{choices}", "'{key}' value '{value}' is not one of: {choices}"),
    "bad_date": ("「{key}」不是有效日期：{value}（应为 YYYY-MM-DD）", "'{key}' is not a valid date: {value} (use YYYY-MM-DD)"),
    "unknown_field": ("条件或表达式引用了未定义的字段「{field}」{hint}", "unknown field '{field}'{hint}"),
    "undeclared_input": ("字段「{field}」不在本政策声明的 inputs 中", "field '{field}' is not among the policy's declared inputs"),
    "unknown_enum_value": ("字段「{field}」没有取值「{value}」{hint}；可选：{choices}", "field '{field}' has no value '{value}'{hint}; choices: {choices}"),
    "unknown_operator": ("未知运算符「{op}」{hint}；可用：{choices}", "unknown operator '{op}'{hint}; available: {choices}"),
    "operator_type": ("运算符「{op}」不能用于{type}类型的字段「{field}」", "operator '{op}' cannot be used on {type} field '{field}'"),
    "between_arity": ("between 需要两个值 [下限, 上限]", "between needs two values [low, high]"),
    "between_order": ("between 的下限 {low} 大于上限 {high}", "between low {low} is greater than high {high}"),
    "empty_list": ("取值列表为空", "the list of values is empty"),
    "bad_literal": ("字段「{field}」（{type}）不能取值 {value!s}：{detail}", "field '{field}' ({type}) cannot take {value!s}: {detail}"),
    "regex_invalid": ("正则表达式无效：{detail}", "invalid regular expression: {detail}"),
    "regex_untranslatable": ("正则表达式中的「{part}」无法转换为规则引擎的写法（支持：字面字符、.、\\d、\\w、\\s、[...]、*、+、?）", "'{part}' in the pattern cannot be translated for the rules engine (supported: literals, ., \\d, \\w, \\s, [...], *, +, ?)"),
    "exists_bool": ("exists 的值应为 true 或 false", "exists takes true or false"),
    "any_list": ("any / all 需要一个条件列表", "any / all need a list of conditions"),
    "expr_syntax": ("表达式「{expr}」有误：{detail}", "expression '{expr}' is malformed: {detail}"),
    "expr_type": ("表达式中的字段「{field}」不是数值类型", "field '{field}' in the expression is not numeric"),
    "duplicate_rule_id": ("规则编号「{id}」重复（第一次出现在第 {first} 行）", "rule id '{id}' is used twice (first on line {first})"),
    "duplicate_version": ("政策「{policy}」的版本 {version} 在 {other} 中已定义", "policy '{policy}' version {version} is already defined in {other}"),
    "overlapping_versions": ("政策「{policy}」版本 {version}（{range}）与 {other} 中的版本 {other_version}（{other_range}）生效期重叠", "policy '{policy}' version {version} ({range}) overlaps version {other_version} ({other_range}) in {other}"),
    "until_before_from": ("生效截止日 {until} 早于生效起始日 {start}", "effective_until {until} is before effective_from {start}"),
    "kind_section": ("{kind} 类政策需要「[{section}]」部分", "a {kind} policy needs a [{section}] section"),
    "kind_forbids": ("「{key}」不适用于 {kind} 类政策", "'{key}' does not apply to a {kind} policy"),
    "unknown_output": ("输出「{output}」未在 [outputs] 中声明{hint}", "output '{output}' is not declared in [outputs]{hint}"),
    "output_value": ("输出「{output}」的值 {value!s} 不是{type}", "output '{output}' value {value!s} is not a {type}"),
    "unknown_level": ("层级「{level}」不在 [escalation] levels 中", "level '{level}' is not among [escalation] levels"),
    "rate_range": ("比例 {value} 应在 0 到 1 之间", "rate {value} must be between 0 and 1"),
    "negative": ("「{key}」不能为负数：{value}", "'{key}' cannot be negative: {value}"),
    "duplicate_class": ("股份类别「{id}」重复", "share class '{id}' is defined twice"),
    "unknown_class": ("股份类别「{id}」未定义", "share class '{id}' is not defined"),
    "unknown_enum": ("字段「{field}」引用了未定义的枚举「{enum}」", "field '{field}' refers to undefined enumeration '{enum}'"),
    "no_policies": ("目录 {dir} 中没有政策文件", "no policy files in {dir}"),
    "no_vocabulary": ("缺少词汇表 fields.toml", "fields.toml (the vocabulary) is missing"),
    "example_unknown_output": ("示例期望的输出「{output}」本政策没有{hint}", "the example expects output '{output}' that the policy does not produce{hint}"),
    "example_bad_input": ("示例输入有误：{detail}", "example input is invalid: {detail}"),
    "unknown_rule_ref": ("引用的规则「{id}」不存在{hint}", "rule '{id}' does not exist{hint}"),
    "money_places": ("金额最多两位小数（分）", "an amount has at most two decimals (fen)"),
    "decimal_places": ("数值最多六位小数", "a number has at most six decimals"),
    "type_enum": ("枚举", "enumeration"),
    "type_text": ("文本", "text"),
    "type_int": ("整数", "integer"),
    "type_decimal": ("数值", "number"),
    "type_money": ("金额", "money"),
    "type_bool": ("是/否", "yes/no"),
    "type_date": ("日期", "date"),
    "id_pattern": ("编号「{value}」只能用小写字母、数字、- 和 _", "id '{value}' may use only lowercase letters, digits, - and _"),
    "type_word_string": ("字符串", "a string"),
    "type_word_int": ("整数", "an integer"),
    "type_word_decimal": ("数值", "a number"),
    "type_word_float": ("数值", "a number"),
    "type_word_bool": ("true 或 false", "true or false"),
    "type_word_list": ("列表 [...]", "a list [...]"),
    "type_word_dict": ("表 {...}", "a table {...}"),
    "type_word_date": ("日期", "a date"),
    "type_word_model": ("表 {...}", "a table {...}"),
    "type_word_value": ("其他类型", "another type"),
    "label": ("{zh}", "{en}"),
    "output_label": ("{zh}", "{en}"),
    "shown_value": ("{zh}", "{en}"),
    "out_of_range": ("取值 {value} 超出范围", "value {value} is out of range"),
    "wrong_value": ("取值 {value!s} 无效", "value {value!s} is invalid"),
    "engine_refused": ("规则引擎拒绝了规则「{rule}」的条件：{detail}", "the rules engine refused the condition of rule '{rule}': {detail}"),
    "test_error": ("求值出错：{detail}", "evaluation failed: {detail}"),
    "check_ok": ("规则检查通过：{dir} 中 {files} 个政策版本，共 {rows} 条规则", "rules check passed: {files} policy versions, {rows} rows in {dir}"),
    "check_failed": ("共 {count} 处错误；现行规则未被替换", "{count} errors; the rules in force were not replaced"),
    "lint_count": ("共 {count} 条发现", "{count} findings"),
    "cap_detail": ("{period} 已付 {so_far} 元，本件应得 {computed} 元，实付 {paid} 元", "{so_far} already paid in {period}; this case {computed}, paid {paid}"),
    "diff_policy_added": ("新增政策「{title}」版本 {version}（{range}）", "new policy '{title}' version {version} ({range})"),
    "diff_policy_removed": ("删除政策「{title}」", "policy '{title}' removed"),
    "diff_version": ("版本 {old}（{old_range}）→ {new}（{new_range}）", "version {old} ({old_range}) → {new} ({new_range})"),
    "diff_version_removed": ("删除版本 {version}", "version {version} removed"),
    "diff_range": ("生效期 {old} → {new}", "in force {old} → {new}"),
    "diff_hit": ("命中方式 {old} → {new}", "hit policy {old} → {new}"),
    "diff_row_added": ("新增规则「{title}」：{when} → {effect}", "new rule '{title}': {when} → {effect}"),
    "diff_row_removed": ("删除规则「{title}」", "rule '{title}' removed"),
    "diff_order": ("规则顺序 {old} → {new}", "rule order {old} → {new}"),
    "diff_default": ("默认值 {output} {old} → {new}", "default {output} {old} → {new}"),
    "diff_cap": ("封顶「{title}」{old} → {new}", "cap '{title}' {old} → {new}"),
    "diff_title": ("规则名称「{old}」→「{new}」", "rule title '{old}' → '{new}'"),
    "diff_output": ("「{title}」{output} {old} → {new}", "'{title}' {output} {old} → {new}"),
    "diff_when": ("「{title}」条件：{old} → {new}", "'{title}' conditions: {old} → {new}"),
    "diff_message": ("「{title}」提示：{old} → {new}", "'{title}' message: {old} → {new}"),
    "diff_row_range": ("「{title}」生效期 {old} → {new}", "'{title}' in force {old} → {new}"),
    "diff_none": ("两套规则没有差别", "the two rule sets do not differ"),
    "activated": ("已启用规则集 #{id}（{files} 个文件），启用人 {user}，已记入审计日志", "rule set #{id} ({files} files) is in force, activated by {user}; recorded in the audit log"),
    "history_empty": ("尚未启用过规则草稿；使用的是目录中的规则", "no draft has been activated; the rules come from the directory"),
    "history_line": ("#{id}  {at}  {by}  影响 {changed} 件，{delta} 元", "#{id}  {at}  {by}  {changed} cases changed, {delta} yuan"),
    "impact_title": ("政策影响（截至 {date}）", "impact as of {date}"),
    "impact_policy": ("  {policy}: 求值 {evaluated} 件，变化 {changed} 件，合计 {old} → {new} 元（{delta} 元）", "  {policy}: {evaluated} evaluated, {changed} change, total {old} → {new} ({delta})"),
    "impact_closed": ("    已关闭期间 {count} 件会变化（{delta} 元），不予改动", "    {count} cases in closed periods would change ({delta}); left as paid"),
    "impact_errors": ("    {count} 件无法求值", "    {count} cases could not be evaluated"),
    "impact_unjudged": ("新规则下无法求值的未关闭期间案件 {count} 件（启用将被拒绝）：", "{count} cases of open periods the draft cannot evaluate (activation is refused):"),
    "impact_by_unit": ("  按单位：", "  by unit:"),
    "impact_by_payee": ("  按领取人：", "  by payee:"),
    "impact_sample": ("  变化示例：", "  sample of changes:"),
    "impact_change": ("    {case} [{policy}] {old} → {new}  ({old_fired} → {new_fired}；起因 {cause})", "    {case} [{policy}] {old} → {new}  ({old_fired} → {new_fired}; cause {cause})"),
    "reserved_field": ("字段名「{field}」为保留字", "field name '{field}' is reserved"),
    # --- evaluation ---------------------------------------------------------------------------
    "unknown_policy": ("未找到政策「{policy}」{hint}", "no policy '{policy}'{hint}"),
    "no_version_in_force": ("政策「{policy}」在 {date} 没有生效的版本", "policy '{policy}' has no version in force on {date}"),
    "input_invalid": ("输入字段「{field}」：{detail}", "input field '{field}': {detail}"),
    "input_not_object": ("输入应为 JSON 对象", "input must be a JSON object"),
    "bad_json": ("第 {line} 行不是有效的 JSON：{detail}", "line {line} is not valid JSON: {detail}"),
    "money_range": ("超出台账范围（绝对值最多 {max} 元）", "beyond the ledger's range (at most {max} yuan)"),
    "money_invalid": ("金额无效或超出台账范围（绝对值最多 {max} 元）", "not an amount, or beyond the ledger's range (at most {max} yuan)"),
    "internal_error": ("内部错误，已记录到 {path}；请把该文件交给维护人员", "internal error, recorded in {path}; please pass that file to your maintainer"),
    "unknown_input_field": (
        "输入中有未定义的字段「{field}」{hint}（字段见 rules/fields.toml；脚本可用 --allow-unknown 忽略未知字段）",
        "the input has a field '{field}' the vocabulary does not define{hint} (see rules/fields.toml; scripts may "
        "pass --allow-unknown to ignore unknown fields)",
    ),
    "not_unique": ("唯一命中表同时命中多条规则：{rules}", "unique table matched several rules: {rules}"),
    "input_out_of_range": ("输入字段「{field}」的值 {value} 超出可计算的范围", "input field '{field}': {value} is beyond what can be calculated"),
    "input_bad_char": ("输入字段「{field}」含有无效的字符（单独的代理码位，如 \\ud800）", "input field '{field}' holds an invalid character (a lone surrogate such as \\ud800)"),
    "input_uncomputable": ("案件中的日期或数值超出可计算的范围", "a date or number in the case is beyond what can be calculated"),
    "input_failed": ("此案件无法求值（{detail}）", "this case could not be evaluated ({detail})"),
    "line_not_decodable": (
        "第 {line} 行不是 {encoding} 编码（第 {column} 个字节）；如为 GBK/GB18030 导出的文件，请指定 --encoding gb18030",
        "line {line} is not {encoding} (byte {column}); if the file was saved as GBK/GB18030, pass --encoding gb18030",
    ),
    "unknown_encoding": ("无法按行读取编码「{encoding}」：请用 utf-8、gb18030 等", "cannot read lines in the encoding '{encoding}'; use utf-8, gb18030 or the like"),
    "arg_not_utf8": ("参数 {name} 含有无法识别的字节（不是 UTF-8 编码）", "argument {name} holds bytes that are not UTF-8"),
    "count_too_large": ("「{value}」超出范围（最多 {max}）", "'{value}' is out of range (at most {max})"),
    "json_value": ("第 {column} 列应为一个值（数字、字符串、true、false、null、对象或数组）", "expecting a value at column {column}"),
    "json_name": ("第 {column} 列应为双引号括起的字段名", "expecting a field name in double quotes at column {column}"),
    "json_colon": ("第 {column} 列应为「:」", "expecting ':' at column {column}"),
    "json_comma": ("第 {column} 列应为「,」", "expecting ',' at column {column}"),
    "json_unterminated": ("第 {column} 列开始的字符串没有结束的引号", "the string starting at column {column} is not closed"),
    "json_control": ("第 {column} 列有字符串中不允许的控制字符", "a control character not allowed in a string at column {column}"),
    "json_escape": ("第 {column} 列的转义「\\」无效", "an invalid \\ escape at column {column}"),
    "json_extra": ("第 {column} 列起有多余的内容（每行一个 JSON 对象）", "extra data from column {column} (one JSON object a line)"),
    "json_bom": ("行首有字节顺序标记（BOM）", "a byte order mark (BOM) at the start"),
    "json_trailing_comma": ("第 {column} 列多了一个逗号", "a trailing comma at column {column}"),
    "json_too_deep": ("对象或数组嵌套层数过多", "objects or arrays nested too deeply"),
    "json_long_int": ("整数的位数过多", "an integer with too many digits"),
    "json_other": ("第 {column} 列：{detail}", "column {column}: {detail}"),
    "expr_div_zero": ("表达式「{expr}」除以零", "expression '{expr}' divides by zero"),
    "engine_sid_mismatch": ("规则引擎返回了其他会话的状态（期望 {expected}，得到 {got}）", "the rules engine returned another session's state (expected {expected}, got {got})"),
    "engine_action_failed": ("规则引擎动作失败：{detail}", "a rules engine action failed: {detail}"),
    # --- explanations -------------------------------------------------------------------------
    "explain_fired": ("命中「{title}」：{effect}", "matched '{title}': {effect}"),
    "explain_fired_plain": ("命中「{title}」", "matched '{title}'"),
    "explain_none": ("没有规则命中{default}", "no rule matched{default}"),
    "explain_default": ("，按默认值：{effect}", "; defaults apply: {effect}"),
    "explain_near": ("未命中「{title}」：{field}为{actual}，要求{requirement}", "not matched '{title}': {field} is {actual}, but the rule needs {field} {requirement}"),
    "explain_cap": ("封顶「{title}」：{detail}", "cap '{title}': {detail}"),
    "explain_violation": ("违规「{title}」：{message}", "violation '{title}': {message}"),
    "explain_compliant": ("未发现违规", "no violations"),
    "explain_version": ("适用政策「{title}」版本 {version}（{range}）", "policy '{title}' version {version} ({range})"),
    "effect_set": ("{output} {value}", "{output} {value}"),
    "missing_value": ("（未填）", "(missing)"),
    "unit_yuan": ("{value} 元", "{value} yuan"),
    "unit_days": ("{value} 天", "{value} days"),
    "on_the_spot": ("当场答复", "answer on the spot"),
    "within_days": ("{days} 日内答复", "answer within {days} days"),
    "esc_start": ("起始层级：{level}，{deadline}，应于 {due} 前答复", "starts at {level}, {deadline}, due {due}"),
    "esc_overdue": ("{date} 超期未办结，升至{level}，应于 {due} 前答复", "overdue on {date}, escalated to {level}, due {due}"),
    "esc_top_overdue": ("已在最高层级{level}，超期 {days} 天", "at the top level {level}, {days} days overdue"),
    "esc_closed": ("案件已{status}，不再计算超期", "the case is {status}; no deadline runs"),
    "esc_emergency": ("紧急事项：{days} 日内召开紧急会议（{date} 前）", "urgent: emergency meeting within {days} days (by {date})"),
    "esc_monthly": ("常规事项：提交 {date} 的月度例会", "regular matter: to the monthly meeting on {date}"),
    "div_fixed": ("固定收益：本金 {principal} 元 × {rate} × {months}/12 = {amount} 元", "fixed return: principal {principal} × {rate} × {months}/12 = {amount}"),
    "div_income": ("其他收入 {income} 元，成本 {costs} 元", "other income {income}, costs {costs}"),
    "div_retain": ("「{title}」：{amount} 元", "'{title}': {amount}"),
    "div_pool": ("可分配红利 {pool} 元，按 {weight} 份加权股分配给 {members} 名成员", "dividend pool {pool}, allocated over {weight} weighted shares to {members} members"),
    "div_loss": ("可分配额为负（{gross} 元），本年不分配", "the distributable amount is negative ({gross}); nothing is allocated"),
    # --- rule checks --------------------------------------------------------------------------
    "test_failed": ("{path}:{line}: 示例 #{n} 未通过：{diff}", "{path}:{line}: example #{n} failed: {diff}"),
    "test_diff": ("{key} 期望 {expected}，实际 {actual}", "{key} expected {expected}, got {actual}"),
    "test_summary": ("{passed} passed, {failed} failed", "{passed} passed, {failed} failed"),
    "test_unreached": ("{path}:{line}: 规则「{rule}」没有示例覆盖", "{path}:{line}: rule '{rule}' is reached by no example"),
    "test_unreached_value": ("{path}: 字段「{field}」的取值「{value}」没有示例覆盖", "{path}: value '{value}' of field '{field}' is reached by no example"),
    "lint_shadowed": ("规则「{rule}」被前面的规则「{by}」完全遮蔽，永远不会命中；例如：{example}", "rule '{rule}' is shadowed by earlier rule(s) '{by}' and never fires; e.g. {example}"),
    "lint_never": ("规则「{rule}」的条件无法同时满足，永远不会命中", "rule '{rule}' has conditions that can never hold together; it never fires"),
    "lint_overlap": ("唯一命中表中规则「{a}」与「{b}」重叠；例如：{example}", "rules '{a}' and '{b}' overlap in a unique table; e.g. {example}"),
    "lint_gap": ("{count} 种取值组合没有规则命中且无默认值；例如：{example}", "{count} combinations of values match no rule and there is no default; e.g. {example}"),
    "lint_clean": ("未发现问题", "no findings"),
    # one-line reports of the ledger commands
    "cli_period_open": ("未关闭", "open"),
    "cli_period_closed": ("已关闭", "closed"),
    "cli_closed_by": ("{period} 已关闭（{by}，{at}）", "{period} closed ({by}, {at})"),
    "cli_dividend_run": ("{year} 第 {run} 次  {policy} {version}  收入 {income}  提取 {retained}  可分配 {pool}  未分配 {leftover}",
                         "{year} run {run}  {policy} {version}  income {income}  retained {retained}  pool {pool}  left over {leftover}"),
    "cli_demo_made": ("单位 {units}  用户 {users}  案件 {cases}  集体 {collectives}  酒席报备 {filings}  已关闭期间 {closed}",
                      "units {units}  users {users}  cases {cases}  collectives {collectives}  banquet filings {filings}  closed period {closed}"),
    "cli_demo_try": ("试试：", "try:"),
    # column headings of the ledger commands' tables
    "th_user": ("用户", "user"),
    "th_role": ("角色", "role"),
    "th_unit": ("单位", "unit"),
    "th_code": ("代码", "code"),
    "th_name_unit": ("名称", "name"),
    "th_level": ("层级", "level"),
    "th_parent": ("上级", "parent"),
    "th_number": ("卷号", "number"),
    "th_category": ("类型", "category"),
    "th_severity": ("程度", "severity"),
    "th_status": ("状态", "status"),
    "th_received": ("受理", "received"),
    "th_settled_on": ("调结", "settled"),
    "th_payee": ("领取人", "payee"),
    "th_cases": ("案件数", "cases"),
    "th_gross": ("应发", "due"),
    "th_paid": ("实发", "paid"),
    "th_adjust": ("调整", "adjustments"),
    "th_total": ("合计", "total"),
    "th_policy": ("政策", "policy"),
    "th_version": ("版本", "version"),
    "th_capped": ("封顶", "capped by"),
    "th_member": ("成员号", "member"),
    "th_person": ("姓名", "name"),
    "th_shares": ("加权股", "weighted shares"),
    "th_dividend": ("分红", "dividend"),
    "th_household": ("户", "household"),
    "th_occasion": ("事由", "occasion"),
    "th_date": ("日期", "date"),
    "th_days": ("天数", "days"),
    "th_tables": ("桌数", "tables"),
    "th_gift": ("礼金", "gift"),
    "th_violations": ("违规", "violations"),
    "th_group": ("分组", "group"),
    "th_settled": ("调成", "settled"),
    "th_failed": ("不成", "failed"),
    "th_escalated": ("升级", "escalated"),
    "th_overdue": ("超期", "overdue"),
    "th_rate": ("调成率", "settlement rate"),
    "th_paid_yuan": ("已发放（元）", "paid (yuan)"),
    "th_due_yuan": ("待发放（元，封顶前）", "due (yuan, before ceilings)"),
    "th_time": ("时间", "time"),
    "th_action": ("操作", "action"),
    "th_object": ("对象", "object"),
    # derived fields, the case-entry form, versions that supersede
    "derived_type": ("字段「{field}」是{type}类型，不能写公式；派生字段应为整数、数值或金额", "field '{field}' is of type {type} and cannot have a formula; a derived field is an integer, a number or an amount"),
    "derived_cycle": ("派生字段的公式互相引用，形成循环：{cycle}", "derived fields' formulas refer to each other in a cycle: {cycle}"),
    "derived_local": ("字段「{field}」：公式（派生字段）只能写在 fields.toml 中", "field '{field}': a formula (a derived field) belongs in fields.toml"),
    "derived_div_zero": ("{where}: 派生字段「{title}」（{field}）的公式「{formula}」除以零", "{where}: derived field '{title}' ({field}): formula '{formula}' divides by zero"),
    "derived_given": ("示例直接给出了派生字段「{field}」；它由公式「{formula}」计算，请给出 {inputs}", "the example gives derived field '{field}' directly; it is computed by '{formula}': give {inputs} instead"),
    "explain_derived": ("{field} = {value}（{formula}）", "{field} = {value} ({formula})"),
    "form_unknown_field": ("表单分组「{group}」中的字段「{field}」未定义{hint}", "form group '{group}': unknown field '{field}'{hint}"),
    "form_not_case": ("表单分组「{group}」中的字段「{field}」描述的是「{subject}」，不是案件", "form group '{group}': field '{field}' describes '{subject}', not a case"),
    "form_derived": ("表单分组「{group}」中的字段「{field}」是派生字段（{formula}），由系统计算，不能填写", "form group '{group}': field '{field}' is derived ({formula}); it is computed, not entered"),
    "form_duplicate": ("字段「{field}」在表单中出现两次（已在分组「{other}」中）", "field '{field}' is on the form twice (already in group '{other}')"),
    "version_superseded": ("信息：{policy} {version} 自 {start} 起由 {new_version} 取代（{version} 适用至 {until}）", "info: {policy} {version} is superseded by {new_version} from {start} ({version} applies until {until})"),
    # what a check can tell without a case: formulas that always fail, empty policies, gaps between versions
    "expr_fails": ("公式「{expr}」对任何案件都无法计算：{detail}", "formula '{expr}' cannot be computed for any case: {detail}"),
    "expr_constant": ("输出「{output}」的公式「{expr}」结果总是 {value}：{detail}", "output '{output}': formula '{expr}' always gives {value}: {detail}"),
    "derived_fails": ("派生字段「{field}」的公式「{formula}」对任何案件都无法计算：{detail}", "derived field '{field}': formula '{formula}' cannot be computed for any case: {detail}"),
    "derived_constant": ("派生字段「{field}」的公式「{formula}」结果总是 {value}：{detail}", "derived field '{field}': formula '{formula}' always gives {value}: {detail}"),
    "not_negative": ("不能为负数", "cannot be negative"),
    "output_out_of_range": ("输出「{output}」的公式「{expr}」得出 {value}，超出台账范围（绝对值最多 {max} 元）", "output '{output}': formula '{expr}' gives {value}, beyond the ledger's range (at most {max} yuan)"),
    "not_whole": ("应为整数", "should be a whole number"),
    "no_rules": ("政策「{policy}」（{kind}）没有任何规则：没有 [[rule]]，也没有决定结果的 [default]", "policy '{policy}' ({kind}) has no rules: no [[rule]] and no [default] that decides anything"),
    "version_gap": ("政策「{policy}」的版本之间有空档：{version} 适用至 {until}，{next_version} 自 {start} 起生效，{gap_from} 至 {gap_until} 没有生效的版本，这些日期的案件无法求值", "policy '{policy}' has a gap between versions: {version} applies until {until}, {next_version} starts on {start}; no version is in force from {gap_from} to {gap_until}, so cases on those dates cannot be evaluated"),
}


class Localized:
    """A message whose language is chosen when it is rendered, so it can sit inside another."""

    __slots__ = ("key", "params")

    def __init__(self, key: str, /, **params: object):
        self.key = key
        self.params = params

    def render(self, lang: Lang = DEFAULT_LANG) -> str:
        return tr(self.key, lang, **self.params)

    def bilingual(self) -> str:
        """Chinese first, English underneath: what the ledger's commands print."""
        return f"{self.render('zh')}\n{self.render('en')}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Localized) and (self.key, self.params) == (other.key, other.params)

    __hash__ = None  # type: ignore[assignment]  # params may hold unhashable values

    def __repr__(self) -> str:
        return f"Localized({self.key!r}, {self.params!r})"


def tr(key: str, lang: Lang = DEFAULT_LANG, /, **params: object) -> str:
    if key == "joined":
        sep = "，" if lang != "en" else ", "
        items = params["items"]
        assert isinstance(items, tuple), "a joined message's items are a tuple"
        return sep.join(p.render(lang) if isinstance(p, Localized) else str(p) for p in items)
    zh, en = MESSAGES[key]
    template = en if lang == "en" else zh
    # Anything that renders itself (a nested message, a rule-set error) renders in this language.
    rendered = {name: value.render(lang) if hasattr(value, "render") else value for name, value in params.items()}
    return template.format(**rendered)


def did_you_mean(word: object, choices) -> "Localized | str":
    """A ' did you mean …?' tail for a message, or nothing when no choice is close."""
    import difflib

    match = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return Localized("did_you_mean", suggestion=match[0]) if match else ""


def pick(zh: str, en: str | None, lang: Lang) -> str:
    """A label in the chosen language, falling back to Chinese where no English was written."""
    if lang == "en" and en:
        return en
    return zh

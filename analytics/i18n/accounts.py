"""Translation table entries for logging in and the administration page (ui/auth.py, views/admin.py): key → (zh, en).

Merged into analytics.i18n.TEXT. The refusals of an account change are ``error.account.*`` (analytics/i18n/errors.py);
the accounts table's columns ``account.col.*`` (analytics/i18n/records.py).
"""

TEXT: dict[str, tuple[str, str]] = {
    # the login gate
    "auth.login.title": ("登录", "Log in"),
    "auth.login.name": ("用户名", "User name"),
    "auth.login.password": ("密码", "Password"),
    "auth.login.submit": ("登录", "Log in"),
    "auth.login.sso": ("使用单位统一身份认证登录", "Log in with single sign-on"),
    "auth.login.expired": ("会话已过期，请重新登录。", "Your session has expired; please log in again."),
    "auth.login.sso_unknown": (
        "统一身份 {email} 未对应任何启用的账户，请联系管理员。",
        "The identity {email} maps to no enabled account; ask an administrator.",
    ),
    "auth.login.busy": ("数据库正忙，请稍后重试。", "The database is busy; try again."),
    "auth.login.failed": (
        "用户名或密码错误，或账户因连续输错已被暂时锁定。",
        "Wrong user name or password, or the account is locked for a while after repeated failures.",
    ),
    "auth.logout": ("退出登录", "Log out"),
    "auth.signed_in": ("当前用户：{name}（{role}）", "Signed in: {name} ({role})"),
    "auth.demo.banner": (
        "本地演示模式：尚未配置任何账户，本机用户拥有全部权限。创建管理员账户后即需登录："
        "python -m analytics users add 名称 --role admin",
        "Local demo mode: no account is configured, so everyone on this machine may do everything. Create an "
        "administrator to require logins: python -m analytics users add NAME --role admin",
    ),
    "auth.demo.remote": (
        "尚未配置账户，本系统只对本机开放。请管理员先创建账户。",
        "No account is configured, so the app is open to this machine only. Ask an administrator to create accounts.",
    ),
    "auth.no_permission": ("您没有访问此页面的权限。", "You have no permission to open this page."),
    "auth.role.admin": ("管理员", "administrator"),
    "auth.role.planner": ("计划人员", "planner"),
    "auth.role.leader": ("领导", "leader"),
    "auth.role.presenter": ("汇报人", "presenter"),
    # the administration page
    "admin.title": ("系统管理", "Administration"),
    "admin.log": ("审计日志", "Audit log"),
    "admin.users": ("账户", "Accounts"),
    "admin.actor": ("操作人", "Actor"),
    "admin.all": ("全部", "All"),
    "admin.action": ("操作类型", "Action"),
    "admin.since": ("起始日期", "From date"),
    "admin.until": ("截止日期", "To date"),
    "admin.intact": ("审计日志完整（哈希链校验通过）。", "The audit log is intact (hash chain verified)."),
    "admin.broken": ("审计日志自第 {id} 条起被改动过！", "The audit log was altered from entry {id} on!"),
    "admin.shown": ("显示最近 {n} 条。", "Showing the latest {n} entries."),
    "admin.add": ("新增账户", "Add an account"),
    "admin.name": ("用户名", "User name"),
    "admin.role": ("角色", "Role"),
    "admin.units": ("负责单位（计划人员）", "Assigned units (planners)"),
    "admin.email": ("统一身份邮箱（可选）", "SSO email (optional)"),
    "admin.password": ("初始密码", "Initial password"),
    "admin.repeat": ("再次输入密码", "Repeat the password"),
    "admin.mismatch": ("两次输入的密码不一致。", "The passwords differ."),
    "admin.change": ("修改账户", "Change an account"),
    "admin.user": ("账户", "Account"),
    "admin.what": ("操作", "Change"),
    "admin.do.role": ("改角色", "Set role"),
    "admin.do.disable": ("停用", "Disable"),
    "admin.do.enable": ("启用", "Enable"),
    "admin.do.unlock": ("解除锁定", "Unlock"),
    "admin.do.password": ("重置密码", "Reset password"),
    "admin.new_password": ("新密码", "New password"),
    "admin.save": ("保存", "Save"),
    "admin.done": ("已保存。", "Saved."),
}

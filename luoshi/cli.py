"""The ``luoshi`` command: demo, serve, tick, workdays, codes, and Django's own commands.

Each subcommand sets up only what it needs: ``luoshi codes`` never touches the database,
``luoshi demo`` turns debug on and prepares a SQLite file under ``var/``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import unicodedata
from datetime import date
from pathlib import Path

DEMO_HOST = "127.0.0.1"
DEMO_PORT = 8000


def _django(debug: bool | None = None) -> None:
    if debug is not None:
        os.environ.setdefault("LUOSHI_DEBUG", "1" if debug else "0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshi.settings")
    import django

    django.setup()


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}”不是有效日期，请写成 2025-09-26 这样的格式。") from None


# --- demo and serve --------------------------------------------------------------------


def cmd_demo(args) -> int:
    # The demo is a local, single-user showcase: debug pages and console email are what
    # its user wants. Production never runs through this path.
    os.environ.setdefault("LUOSHI_DEBUG", "1")
    os.environ.setdefault("LUOSHI_EMAIL_BACKEND", "console")
    os.environ.setdefault("LUOSHI_TASKS", "immediate")  # one process: no separate worker to start
    if args.reset:
        _reset_sqlite()
    _django()
    from django.core.management import call_command

    from luoshi import demo

    print("· 迁移数据库 …", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    demo.load(progress=lambda step: print(f"· {step}", flush=True))
    url = f"http://{args.host}:{args.port}/"
    print(f"\n落实演示环境已就绪：{url}")
    print(f"演示账号（密码均为 {demo.PASSWORD}）：")
    for username, role_label, who in demo.accounts_summary():
        print(f"  {_pad(role_label, 14)}{username:<14}{who}")
    if args.no_serve:
        return 0
    # Serve from a fresh interpreter: loading the demo started NumPy/Polars thread pools, and a
    # gunicorn worker forked from this process would inherit them and hang on exit.
    sys.stdout.flush()
    serve = [sys.executable, "-m", "luoshi.cli", "serve", "--host", args.host, "--port", str(args.port)]
    os.execv(sys.executable, [*serve, "--workers", "1"])  # noqa: S606 -- our own interpreter and arguments
    return 0


def _pad(text: str, width: int) -> str:
    """Left-align ``text`` in ``width`` terminal columns; a Chinese character takes two."""
    columns = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(width - columns, 1)


def _reset_sqlite() -> None:
    url = os.environ.get("LUOSHI_DATABASE_URL", "")
    if url and not url.startswith("sqlite"):
        sys.exit("--reset 只用于演示用的 SQLite 数据库；PostgreSQL 请由管理员处理。")
    var = Path(os.environ.get("LUOSHI_VAR_DIR") or Path.cwd() / "var")
    for suffix in ("", "-wal", "-shm"):
        (var / f"luoshi.sqlite3{suffix}").unlink(missing_ok=True)
    print("· 已清除旧的演示数据", flush=True)


def cmd_serve(args) -> int:
    _django()
    from django.conf import settings
    from django.core.management import call_command

    if not settings.DEBUG:
        call_command("collectstatic", interactive=False, verbosity=0)
    return _serve(args.host, args.port, workers=args.workers)


def _serve(host: str, port: int, workers: int) -> int:
    try:
        from gunicorn.app.wsgiapp import WSGIApplication
    except ImportError:  # Windows: no gunicorn; Django's server is enough for a demo
        from django.core.management import call_command

        call_command("runserver", f"{host}:{port}", use_reloader=False)
        return 0
    sys.argv = [
        "gunicorn",
        "luoshi.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--access-logfile",
        "-",
        "--timeout",
        "120",
    ]
    # Gunicorn 25+ opens a control socket at a fixed path under ~/.gunicorn by default: two servers
    # on one machine would share it, and shutting down waits on it. luoshi does not use it.
    from gunicorn.config import KNOWN_SETTINGS

    if any(setting.name == "control_socket_disable" for setting in KNOWN_SETTINGS):
        sys.argv.append("--no-control-socket")
    WSGIApplication("%(prog)s [OPTIONS] [APP_MODULE]").run()
    return 0


# --- background tasks --------------------------------------------------------------------


def cmd_worker(args) -> int:
    """Run queued background tasks (matching after data changes) until stopped."""
    _django()
    from django.core.management import call_command

    call_command("db_worker", *args.rest)
    return 0


# --- periodic work -------------------------------------------------------------------------


def cmd_tick(args) -> int:
    _django()
    from luoshi import tick

    for line in tick.run_once(force=args.force):
        print(line, flush=True)
    return 0


# --- working days --------------------------------------------------------------------------


def cmd_workdays(args) -> int:
    cal = _calendar()
    if args.action == "add":
        result = cal.deadline(args.start, args.days)
        print(result.date.isoformat())
        provisional = result.provisional
    elif args.action == "between":
        print(cal.workdays_between(args.start, args.end))
        first, last = sorted((args.start, args.end))
        provisional = any(cal.year_is_provisional(y) for y in range(first.year, last.year + 1))
    else:
        print("是" if cal.is_workday(args.day) else "否")
        provisional = cal.is_provisional(args.day)
    if provisional:
        # On stderr, so scripts reading the date are not disturbed.
        print("注意：所涉年份的法定节假日尚未录入，结果暂按双休日计算。", file=sys.stderr)
    return 0


def _calendar():
    """The deployment's calendar (with admins' overrides) when its database exists, else the statutory one."""
    from luoshi import workdays

    url = os.environ.get("LUOSHI_DATABASE_URL", "")
    var = Path(os.environ.get("LUOSHI_VAR_DIR") or Path.cwd() / "var")
    if not url and not (var / "luoshi.sqlite3").exists():
        return workdays.get_calendar()  # a fresh machine: do not create a database just to count days
    _django()
    from django.db import DatabaseError

    from luoshi.tracking import calendar

    try:
        return calendar.load()
    except DatabaseError:  # not migrated yet
        return workdays.get_calendar()


# --- imports -----------------------------------------------------------------------------------


def cmd_import(args) -> int:
    _django()
    if args.kind == "enterprises":
        from luoshi.enterprises.importer import cli_main

        return cli_main(args.rest)
    sys.exit(f"未知的导入类型“{args.kind}”：可用 enterprises。")


# --- intake -----------------------------------------------------------------------------------


def cmd_intake(args) -> int:
    from luoshi.intake.cli import main as intake_main

    return intake_main(args.rest)


# --- rules ----------------------------------------------------------------------------------


def cmd_rules(args) -> int:
    from luoshi.policies.cli import main as rules_main

    return rules_main(args.rest, setup=_django)


# --- benchmarks ------------------------------------------------------------------------------


def cmd_bench(args) -> int:
    """Run a benchmark from the repository's benchmarks/ folder (an editable install or a checkout)."""
    root = Path(__file__).resolve().parent.parent
    if not (root / "benchmarks" / f"{args.name}.py").exists():
        sys.exit(f"没有找到基准测试 benchmarks/{args.name}.py：请在项目源码目录中以可编辑方式安装后运行。")
    sys.path.insert(0, str(root))
    module = importlib.import_module(f"benchmarks.{args.name}")
    return module.main(args.rest)


# --- Django's commands ---------------------------------------------------------------------


def cmd_manage(args) -> int:
    _django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["luoshi manage", *args.rest])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="luoshi", description="落实：政策落地与督办平台")
    sub = parser.add_subparsers(dest="command", required=True, metavar="命令")

    demo = sub.add_parser("demo", help="准备演示数据并启动网页（SQLite）")
    demo.add_argument("--host", default=DEMO_HOST)
    demo.add_argument("--port", type=int, default=DEMO_PORT)
    demo.add_argument("--no-serve", action="store_true", help="只准备数据，不启动网页服务")
    demo.add_argument("--reset", action="store_true", help="清除旧的演示数据后重建")
    demo.set_defaults(func=cmd_demo)

    serve = sub.add_parser("serve", help="启动网页服务（生产用 gunicorn）")
    serve.add_argument("--host", default=DEMO_HOST)
    serve.add_argument("--port", type=int, default=DEMO_PORT)
    serve.add_argument("--workers", type=int, default=2)
    serve.set_defaults(func=cmd_serve)

    worker = sub.add_parser("worker", help="执行后台任务（数据变化后的政策匹配等），持续运行", add_help=False)
    worker.add_argument("rest", nargs=argparse.REMAINDER)
    worker.set_defaults(func=cmd_worker)

    tick = sub.add_parser("tick", help="执行一次定时工作（提醒、重发邮件等），可每分钟运行")
    tick.add_argument("--force", action="store_true", help="每日作业今天已运行过也再运行一次")
    tick.set_defaults(func=cmd_tick)

    wd = sub.add_parser("workdays", help="工作日计算（含调休）")
    wd_sub = wd.add_subparsers(dest="action", required=True, metavar="操作")
    add = wd_sub.add_parser("add", help="某日之后第N个工作日")
    add.add_argument("start", type=_parse_date)
    add.add_argument("days", type=int)
    between = wd_sub.add_parser("between", help="A日之后至B日（含）的工作日数")
    between.add_argument("start", type=_parse_date)
    between.add_argument("end", type=_parse_date)
    isday = wd_sub.add_parser("is", help="某日是否工作日")
    isday.add_argument("day", type=_parse_date)
    wd.set_defaults(func=cmd_workdays)

    codes = sub.add_parser("codes", help="统一社会信用代码、行业分类、企业划型", add_help=False)
    codes.add_argument("rest", nargs=argparse.REMAINDER)
    codes.set_defaults(func=lambda args: _codes(args.rest))

    imp = sub.add_parser("import", help="批量导入（如：luoshi import enterprises 名录.xlsx）", add_help=False)
    imp.add_argument("kind", help="导入类型：enterprises")
    imp.add_argument("rest", nargs=argparse.REMAINDER)
    imp.set_defaults(func=cmd_import)

    intake = sub.add_parser("intake", help="读取会议报告或政策文件：luoshi intake parse 文件 --json", add_help=False)
    intake.add_argument("rest", nargs=argparse.REMAINDER)
    intake.set_defaults(func=cmd_intake)

    rules = sub.add_parser("rules", help="规则语言：check 检查、eval 判断一家企业、simulate 全库测算", add_help=False)
    rules.add_argument("rest", nargs=argparse.REMAINDER)
    rules.set_defaults(func=cmd_rules)

    bench = sub.add_parser("bench", help="性能基准测试（如：luoshi bench ledger --scale district）", add_help=False)
    bench.add_argument("name", help="基准名称，如 ledger")
    bench.add_argument("rest", nargs=argparse.REMAINDER)
    bench.set_defaults(func=cmd_bench)

    manage = sub.add_parser("manage", help="Django 管理命令（migrate、createsuperuser …）", add_help=False)
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return parser


def _codes(rest: list[str]) -> int:
    from luoshi.codes.cli import main as codes_main

    return codes_main(rest)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args) or 0


if __name__ == "__main__":
    sys.exit(main())

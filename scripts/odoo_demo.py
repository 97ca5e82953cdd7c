"""The demo database of a Chinese company (``scripts/run`` makes it on its first start)."""

import os
import subprocess
import sys

from odoo_env import (
    DEFAULT_LANG,
    LANGS_CHOICES,
    MODULE,
    addons_path,
    import_odoo,
    odoo_bin_cmd,
)

LANGS = "zh_CN,zh_TW"
TIMEZONE = "Asia/Shanghai"
DISPATCHER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "odoo_cli.py")


def run_step(title, argv):
    """One install step in its own process; the output goes to the terminal."""
    print(f"... {title}", flush=True)
    subprocess.run(argv, check=True, env=dict(os.environ, TZ="UTC"))


def create_demo_database(odoo, args):
    """The demo database of a Chinese company (see README, Demo):

    1. base with zh_CN and zh_TW loaded;
    2. the company moved to China (name, address, country), before accounting is installed;
    3. l10n_cn: Odoo loads the Chinese chart of accounts and makes CNY the company currency,
       as for a real company in China (the addon does not depend on it);
    4. business_dept with its demo data, in CNY;
    5. time zone Asia/Shanghai, China's official holidays in the working calendar, USD and EUR
       rates, the demo users' language.
    """
    db = args.db
    install = ["-d", db, "--stop-after-init", "--max-cron-threads", "0", "--log-level", "warn"]
    here = DISPATCHER
    try:
        run_step(
            "1/5 database and languages (zh_CN, zh_TW)",
            odoo_bin_cmd(odoo, *install, "-i", "base", "--load-language", LANGS),
        )
        run_step(
            "2/5 the company in China",
            [sys.executable, here, "demo-setup", "--db", db, "--stage", "company"],
        )
        run_step(
            "3/5 Chinese chart of accounts and CNY (l10n_cn)",
            odoo_bin_cmd(odoo, *install, "-i", "l10n_cn"),
        )
        run_step(f"4/5 {MODULE} and its demo data", odoo_bin_cmd(odoo, *install, "-i", MODULE))
        run_step(
            "5/5 time zone, holidays, currencies, languages",
            [
                sys.executable,
                here,
                "demo-setup",
                "--db",
                db,
                "--stage",
                "finish",
                "--lang",
                args.lang or DEFAULT_LANG,
            ],
        )
    except (subprocess.CalledProcessError, KeyboardInterrupt) as exc:
        subprocess.run(["dropdb", "--if-exists", db], check=False)
        print(
            f"The demo database was not created ({exc.__class__.__name__}); "
            "it was dropped, the next run starts again.",
            flush=True,
        )
        sys.exit(1)


COMPANY = {
    "name": "上海华东精密机械有限公司",
    "street": "浦东新区张江路 1688 号",
    "street2": "华东科技园 3 号楼",
    "city": "上海",
    "zip": "201203",
    "phone": "+86 21 5080 1688",
    "email": "info@huadong-jixie.example.com",
    "website": "https://huadong-jixie.example.com",
}


# Company currency per unit of foreign currency, for the demo's USD and EUR quotations.
DEMO_RATES = {"USD": 7.20, "EUR": 7.80}


def cmd_demo_setup(args):
    """Company-level settings of the demo database, through Odoo's API (scripts/run)."""
    odoo = import_odoo()
    from odoo.modules.registry import Registry  # noqa: PLC0415

    odoo.tools.config.parse_config(["--addons-path", addons_path(odoo), "-d", args.db])
    with Registry(args.db).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        company = env.ref("base.main_company")
        if args.stage == "company":
            # Through the partner: res.company.write would install l10n_cn at once, before
            # the next step's install, where Odoo also loads the chart for country CN.
            company.partner_id.write(
                dict(
                    COMPANY,
                    country_id=env.ref("base.cn").id,
                    state_id=env.ref("base.state_cn_SH").id,
                    tz=TIMEZONE,
                )
            )
        elif args.stage == "finish":
            demo_finish(env, company)
        set_users_lang(env, args.lang)


def demo_finish(env, company):
    if company.currency_id.name != "CNY":
        print(f"Warning: the company currency is {company.currency_id.name}, not CNY", flush=True)
    company.resource_calendar_id.tz = TIMEZONE
    env["res.users"].with_context(active_test=False).search([("share", "=", False)]).tz = TIMEZONE
    year = company._business_local_today().year
    holidays, workdays, _skipped = env["resource.calendar"]._business_load_official_holidays(
        company, [year, year + 1]
    )
    print(
        f"    {holidays} holidays and {workdays} make-up workdays of {year}-{year + 1} loaded",
        flush=True,
    )
    if company.name != COMPANY["name"]:
        # a later demo file of Odoo renames the main company ("My Company (San Francisco)")
        company.name = COMPANY["name"]
    # the company currency is the base: its rates (Odoo's demo rates against USD) would
    # skew every conversion
    env["res.currency.rate"].search(
        [("currency_id", "=", company.currency_id.id), ("company_id", "in", [company.id, False])]
    ).unlink()
    today = company._business_local_today()
    for code, rate in DEMO_RATES.items():
        currency = env["res.currency"].with_context(active_test=False).search([("name", "=", code)])
        currency.active = True
        env["res.currency.rate"].search(
            [("currency_id", "=", currency.id), ("company_id", "in", [company.id, False])]
        ).unlink()
        env["res.currency.rate"].create(
            {"currency_id": currency.id, "company_id": company.id, "name": today, "rate": 1 / rate}
        )


def set_users_lang(env, lang):
    if not lang:
        return
    env["res.lang"]._activate_lang(lang)
    users = env["res.users"].with_context(active_test=False).search([("share", "=", False)])
    users.lang = lang
    print(f"    {len(users)} users in {lang}", flush=True)


def add_parser(sub):
    setup = sub.add_parser("demo-setup", help="(used by run) company-level demo settings")
    setup.add_argument("--db", required=True)
    setup.add_argument("--stage", choices=["company", "finish", "lang"], required=True)
    setup.add_argument("--lang", choices=LANGS_CHOICES)
    setup.set_defaults(func=cmd_demo_setup)

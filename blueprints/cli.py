"""Command-line interface: flask seed-demo, flask users …, flask mail send. Each command is
one transaction (blueprints/transaction.py), except the send loop, which ends one after
each step of each mail."""

import time

import click
from flask import Flask
from flask.cli import AppGroup

from blueprints.transaction import end_transaction, in_transaction
from models import Role
from models.types import utc_now
from services.accounts.users import create_user, set_password, territories_by_ids, user_by_email
from services.collaboration.notifications import send_digests
from services.demo.seed import database_is_empty, seed_demo
from services.errors import InvalidInput
from services.mail.sender import send_due_mails


def register_cli(app: Flask) -> None:
    register_seed_command(app)
    register_user_commands(app)
    register_mail_commands(app)
    register_notification_commands(app)


def register_notification_commands(app: Flask) -> None:
    notifications = AppGroup("notifications", help="Notifications of the organisers.")
    app.cli.add_command(notifications)

    @notifications.command("digest")
    @in_transaction
    def digest_command() -> None:
        """Queue today's digest (Paris day) of every user who chose it; once per day."""
        sent = send_digests(utc_now())
        click.echo(f"Résumés mis dans la file d’envoi : {sent}.")


def register_seed_command(app: Flask) -> None:
    @app.cli.command("seed-demo")
    @click.option("--if-empty", is_flag=True, help="Only when the database holds no tour yet.")
    @in_transaction
    def seed_demo_command(if_empty: bool) -> None:
        """Load the 2019 labelling tour from the source articles (idempotent)."""
        if if_empty and not database_is_empty():
            click.echo("Données déjà présentes : rien à charger.")
            return
        report = seed_demo(
            app.config["ADMIN_EMAIL"], app.config["ADMIN_PASSWORD"], app.config["DEMO_PASSWORD"]
        )
        created = ", ".join(f"{n} {table}" for table, n in sorted(report.created.items()))
        click.echo(f"Tournée de démonstration chargée ({created or 'rien de nouveau'}).")
        if report.new_accounts:
            click.echo("Comptes créés (mots de passe affichés une seule fois) :")
            for email, password in report.new_accounts:
                click.echo(f"  {email}  mot de passe : {password}")


def register_user_commands(app: Flask) -> None:
    users = AppGroup("users", help="Manage organiser and admin accounts.")
    app.cli.add_command(users)

    @users.command("create")
    @click.option("--email", required=True)
    @click.option("--name", required=True)
    @click.option("--role", type=click.Choice([r.value for r in Role]), default="organiser")
    @click.option("--territory-id", "territory_ids", multiple=True, type=int)
    @click.password_option()
    @in_transaction
    def create_user_command(email, name, role, territory_ids, password) -> None:
        """Create an account."""
        try:
            territories = territories_by_ids(list(territory_ids))
            user = create_user(email, name, password, Role(role), territories)
        except InvalidInput as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"Compte créé : {user.email}")

    @users.command("set-password")
    @click.argument("email")
    @click.password_option()
    @in_transaction
    def set_password_command(email, password) -> None:
        """Set a new password for an account."""
        user = user_by_email(email)
        if user is None:
            raise click.ClickException(f"Aucun compte pour {email}")
        try:
            set_password(user, password)
        except InvalidInput as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo("Mot de passe modifié.")


def register_mail_commands(app: Flask) -> None:
    mail = AppGroup("mail", help="The outbox of mails to participants.")
    app.cli.add_command(mail)

    @mail.command("send")
    @click.option("--loop", is_flag=True, help="Keep sending as mails arrive (Ctrl-C stops).")
    @click.option("--interval", default=5.0, show_default=True, help="Seconds between passes.")
    def send_command(loop: bool, interval: float) -> None:
        """Send the mails that are due, with retries and back-off when the server is down."""
        while True:
            report = send_due_mails(checkpoint=end_transaction)
            if any(report) or not loop:
                click.echo(
                    f"Courriels envoyés : {report.sent}, en échec (réessayés plus tard) : "
                    f"{report.failed}, impossibles à construire (non réessayés) : "
                    f"{report.undeliverable}."
                )
            if not loop:
                return
            time.sleep(interval)

"""The suite's own parts work on this machine before any server is
involved: mails are collected and parsed, S3 stores objects, the
PostgreSQL cluster accepts connections on loopback."""

import smtplib
from email.message import EmailMessage

from parts import toml


def test_mailbox_collects_mails(mailbox):
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "kluis@example.org", "probe@example.org", "Your code"
    msg.set_content("Your code is 01234567.\nOpen http://127.0.0.1:9/t/aaaaaaaaaaaaaaaaaaaaaaaaaa to receive.")
    with smtplib.SMTP("127.0.0.1", mailbox.port, timeout=10) as smtp:
        smtp.send_message(msg)
    mail = mailbox.wait_for("probe@example.org")
    assert mail.code() == "01234567"
    assert mail.link() == "http://127.0.0.1:9/t/aaaaaaaaaaaaaaaaaaaaaaaaaa"


def test_s3_stores_objects(s3):
    s3.create_bucket("probe")
    s3.client().put_object(Bucket="probe", Key="t/x", Body=b"sealed")
    assert s3.keys("probe") == ["t/x"]
    assert s3.client().get_object(Bucket="probe", Key="t/x")["Body"].read() == b"sealed"


def test_postgres_answers(postgres):
    url = postgres.new_database()
    name = url.rsplit("/", 1)[1]
    assert postgres.psql("SELECT 40 + 2", db=name).strip() == "42"


def test_toml_writer():
    text = toml({"listen": "127.0.0.1:0", "n": 3, "on": True, "smtp": {"host": "a\"b", "ports": [1, 2]}})
    import tomllib

    assert tomllib.loads(text) == {"listen": "127.0.0.1:0", "n": 3, "on": True,
                                   "smtp": {"host": "a\"b", "ports": [1, 2]}}

from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from db.models import BounceState, IdeaStatus, InboundStatus, Outcome
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Campaign',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('question', fields.TextField(unique=False)),
                ('department', fields.CharField(null=True, max_length=200)),
                ('anonymous', fields.BooleanField(default=False)),
                ('closes_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'campaign', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='InboundMessage',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('dedupe_key', fields.CharField(unique=True, max_length=250)),
                ('mail_from', fields.CharField(max_length=320)),
                ('rcpt_tos', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('raw_bytes', fields.BinaryField()),
                ('received_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('status', fields.CharEnumField(default=InboundStatus.RECEIVED, description='RECEIVED: received\nPROCESSED: processed\nFAILED: failed', enum_type=InboundStatus, max_length=12)),
                ('kind', fields.CharField(null=True, max_length=16)),
                ('reason', fields.TextField(null=True, unique=False)),
                ('processed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'inbound_message', 'app': 'models', 'indexes': [Index(fields=['status', 'received_at'])], 'pk_attr': 'id', 'table_description': 'Every message accepted over SMTP, stored with its raw bytes before the 250.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OutboxMail',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharField(max_length=40)),
                ('recipient', fields.CharField(max_length=320)),
                ('recipients', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('message_id', fields.CharField(unique=True, max_length=250)),
                ('ref', fields.CharField(null=True, db_index=True, max_length=40)),
                ('raw_bytes', fields.BinaryField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('next_attempt_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('claimed_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('claimed_by', fields.CharField(null=True, max_length=32)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('attempts', fields.IntField(default=0)),
                ('last_error', fields.TextField(null=True, unique=False)),
                ('failed', fields.BooleanField(default=False)),
            ],
            options={'table': 'outbox_mail', 'app': 'models', 'indexes': [Index(fields=['sent_at', 'failed', 'next_attempt_at'])], 'pk_attr': 'id', 'table_description': 'A mail to send, rendered and stored in the transaction of the change that caused it.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Person',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('email', fields.CharField(unique=True, max_length=254)),
                ('name', fields.CharField(max_length=200)),
                ('language', fields.CharField(default='nl', max_length=5)),
                ('timezone', fields.CharField(null=True, max_length=64)),
                ('department', fields.CharField(null=True, max_length=200)),
                ('manager', fields.ForeignKeyField('models.Person', source_field='manager_id', null=True, db_constraint=True, to_field='id', related_name='reports', on_delete=OnDelete.SET_NULL)),
                ('active', fields.BooleanField(default=True)),
                ('bounce_state', fields.CharEnumField(default=BounceState.OK, description='OK: ok\nSOFT: soft\nHARD: hard', enum_type=BounceState, max_length=8)),
                ('soft_bounces', fields.IntField(default=0)),
                ('away_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'person', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Idea',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('author', fields.ForeignKeyField('models.Person', source_field='author_id', db_constraint=True, to_field='id', related_name='ideas', on_delete=OnDelete.RESTRICT)),
                ('manager', fields.ForeignKeyField('models.Person', source_field='manager_id', null=True, db_constraint=True, to_field='id', related_name='assigned_ideas', on_delete=OnDelete.SET_NULL)),
                ('campaign', fields.ForeignKeyField('models.Campaign', source_field='campaign_id', null=True, db_constraint=True, to_field='id', related_name='ideas', on_delete=OnDelete.SET_NULL)),
                ('inbound', fields.OneToOneField('models.InboundMessage', source_field='inbound_id', null=True, db_constraint=True, to_field='id', related_name='idea', on_delete=OnDelete.SET_NULL)),
                ('text', fields.TextField(unique=False)),
                ('anonymous', fields.BooleanField(default=False)),
                ('status', fields.CharEnumField(default=IdeaStatus.OPEN, description='OPEN: open\nACCEPTED: accepted\nDECLINED: declined\nIN_PROGRESS: in_progress\nDONE: done', enum_type=IdeaStatus, max_length=12)),
                ('author_message_id', fields.CharField(null=True, max_length=250)),
                ('received_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('assigned_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('decision_business_days', fields.IntField(null=True)),
                ('next_reminder_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('reminders_sent', fields.IntField(default=0)),
                ('escalated', fields.BooleanField(default=False)),
            ],
            options={'table': 'idea', 'app': 'models', 'indexes': [Index(fields=['status', 'manager_id']), Index(fields=['next_reminder_at']), Index(fields=['received_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Decision',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('idea', fields.ForeignKeyField('models.Idea', source_field='idea_id', db_constraint=True, to_field='id', related_name='decisions', on_delete=OnDelete.CASCADE)),
                ('outcome', fields.CharEnumField(description='ACCEPTED: accepted\nDECLINED: declined\nIN_PROGRESS: in_progress\nDONE: done\nFORWARD: forward', enum_type=Outcome, max_length=12)),
                ('note', fields.TextField(default='', unique=False)),
                ('decided_by', fields.ForeignKeyField('models.Person', source_field='decided_by_id', null=True, db_constraint=True, to_field='id', related_name='decisions', on_delete=OnDelete.SET_NULL)),
                ('decided_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('inbound', fields.ForeignKeyField('models.InboundMessage', source_field='inbound_id', null=True, db_constraint=True, to_field='id', related_name='decisions', on_delete=OnDelete.SET_NULL)),
                ('reported_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('superseded', fields.BooleanField(default=False)),
            ],
            options={'table': 'decision', 'app': 'models', 'indexes': [Index(fields=['reported_at', 'superseded', 'decided_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Invitation',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('campaign', fields.ForeignKeyField('models.Campaign', source_field='campaign_id', db_constraint=True, to_field='id', related_name='invitations', on_delete=OnDelete.CASCADE)),
                ('person', fields.ForeignKeyField('models.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='invitations', on_delete=OnDelete.CASCADE)),
                ('message_id', fields.CharField(unique=True, max_length=250)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'invitation', 'app': 'models', 'unique_together': (('campaign', 'person'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Reminder',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('idea', fields.ForeignKeyField('models.Idea', source_field='idea_id', db_constraint=True, to_field='id', related_name='reminders', on_delete=OnDelete.CASCADE)),
                ('number', fields.IntField()),
                ('manager', fields.ForeignKeyField('models.Person', source_field='manager_id', null=True, db_constraint=True, to_field='id', related_name='reminders', on_delete=OnDelete.SET_NULL)),
                ('sent_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'reminder', 'app': 'models', 'unique_together': (('idea', 'number'),), 'pk_attr': 'id', 'table_description': 'One row per (idea, reminder number): a retry or a second worker cannot send it twice.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ReminderDigest',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('manager', fields.ForeignKeyField('models.Person', source_field='manager_id', db_constraint=True, to_field='id', related_name='reminder_digests', on_delete=OnDelete.CASCADE)),
                ('day', fields.DateField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'reminder_digest', 'app': 'models', 'unique_together': (('manager', 'day'),), 'pk_attr': 'id', 'table_description': 'One reminder mail per manager per local day, guaranteed by the unique key.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ReportRun',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('week', fields.CharField(unique=True, max_length=10)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'report_run', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One weekly HR report per ISO week, however many workers run the schedule.'},
            bases=['Model'],
        ),
    ]

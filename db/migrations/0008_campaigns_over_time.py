from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0007_privacy')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CampaignSchedule',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('every', fields.CharField(max_length=12)),
                ('first_day', fields.DateField()),
                ('next_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('question', fields.TextField(unique=False)),
                ('questions', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('department', fields.CharField(null=True, max_length=200)),
                ('anonymous', fields.BooleanField(default=False)),
                ('open_days', fields.IntField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('cancelled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_campaign_id', fields.IntField(null=True)),
            ],
            options={'table': 'campaign_schedule', 'app': 'models', 'indexes': [Index(fields=['cancelled_at', 'next_at'])], 'pk_attr': 'id', 'table_description': 'Asking regularly: a campaign started every quarter, half-year or year.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Invitation',
            name='reminded_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index
from tortoise.migrations.constraints import UniqueConstraint

class Migration(migrations.Migration):
    dependencies = [('models', '0002_inbound_detail_trace')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='InboundMessage',
            name='dedupe_key',
            field=fields.CharField(max_length=250),
        ),
        ops.AddConstraint(
            model_name='InboundMessage',
            constraint=UniqueConstraint(fields=('mail_from', 'dedupe_key'), name=None),
        ),
        ops.AddField(
            model_name='OutboxMail',
            name='in_answer',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AddIndex(
            model_name='OutboxMail',
            index=Index(fields=['recipient', 'created_at']),
        ),
    ]

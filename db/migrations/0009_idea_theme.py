from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0008_campaigns_over_time')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Idea',
            name='theme',
            field=fields.CharField(null=True, max_length=40),
        ),
        ops.AddIndex(
            model_name='Idea',
            index=Index(fields=['theme', 'received_at']),
        ),
    ]

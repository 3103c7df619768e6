from tortoise import migrations
from tortoise.migrations import operations as ops
from db.models import MessageKind, Role
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0004_campaign_questions')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ConversationMessage',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('idea', fields.ForeignKeyField('models.Idea', source_field='idea_id', db_constraint=True, to_field='id', related_name='conversation', on_delete=OnDelete.CASCADE)),
                ('role', fields.CharEnumField(description='AUTHOR: author\nDECIDER: decider', enum_type=Role, max_length=12)),
                ('kind', fields.CharEnumField(description='THANKS: thanks\nCOMMENT: comment\nQUESTION: question\nANSWER: answer\nREPLY: reply', enum_type=MessageKind, max_length=12)),
                ('person', fields.ForeignKeyField('models.Person', source_field='person_id', null=True, db_constraint=True, to_field='id', related_name='conversation_messages', on_delete=OnDelete.SET_NULL)),
                ('text', fields.TextField(unique=False)),
                ('inbound', fields.ForeignKeyField('models.InboundMessage', source_field='inbound_id', null=True, db_constraint=True, to_field='id', related_name='conversation', on_delete=OnDelete.SET_NULL)),
                ('relayed', fields.ForeignKeyField('models.OutboxMail', source_field='relayed_id', null=True, db_constraint=True, to_field='id', related_name='relays', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'conversation_message', 'app': 'models', 'indexes': [Index(fields=['idea_id', 'created_at'])], 'pk_attr': 'id', 'table_description': 'One message about an idea between its author and who decides, as ideabox relayed'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Idea',
            name='question_asked_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Invitation',
            name='nothing_to_add_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]

/* kiosk-complement.c: the answers and message of one complement, and their wire form (the
 * `complement` JSON part and one file part per document side, docs/portal-api.md).
 *
 * Its Idempotency-Key is drawn once, when it is made: every send of the same complement
 * carries it, so the portal stores it once however often it is sent. */
#include "kiosk-complement.h"

#include "kiosk-json.h"

#include <string.h>

typedef struct
{
  char          *request_id;
  char          *text;      /* question */
  JsonNode      *value;     /* incorrect answer */
  KioskDocument *front;     /* missing document */
  KioskDocument *back;      /* nullable */
} Answer;

struct _KioskComplement
{
  GObject    parent_instance;

  char      *number;
  char      *idempotency_key;
  char      *message;
  GPtrArray *answers;    /* of Answer, in the order given */
};

G_DEFINE_FINAL_TYPE (KioskComplement, kiosk_complement, G_TYPE_OBJECT)

static void
wipe_string (char **text)
{
  if (*text != NULL)
    explicit_bzero (*text, strlen (*text));
  g_clear_pointer (text, g_free);
}

static void
answer_free (Answer *answer)
{
  g_free (answer->request_id);
  wipe_string (&answer->text);
  g_clear_pointer (&answer->value, json_node_unref);
  g_clear_object (&answer->front);
  g_clear_object (&answer->back);
  g_free (answer);
}

static void
kiosk_complement_finalize (GObject *object)
{
  KioskComplement *self = KIOSK_COMPLEMENT (object);

  g_free (self->number);
  g_free (self->idempotency_key);
  wipe_string (&self->message);
  g_ptr_array_unref (self->answers);
  G_OBJECT_CLASS (kiosk_complement_parent_class)->finalize (object);
}

static void
kiosk_complement_class_init (KioskComplementClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kiosk_complement_finalize;
}

static void
kiosk_complement_init (KioskComplement *self)
{
  self->answers = g_ptr_array_new_with_free_func ((GDestroyNotify) answer_free);
  self->idempotency_key = g_uuid_string_random ();
}

/**
 * kiosk_complement_new:
 * @number: the dossier it completes
 *
 * Returns: (transfer full): an empty complement with its own Idempotency-Key
 */
KioskComplement *
kiosk_complement_new (const char *number)
{
  KioskComplement *self = g_object_new (KIOSK_TYPE_COMPLEMENT, NULL);

  self->number = g_strdup (number);
  return self;
}

const char *
kiosk_complement_get_number (KioskComplement *self)
{
  g_return_val_if_fail (KIOSK_IS_COMPLEMENT (self), NULL);
  return self->number;
}

const char *
kiosk_complement_get_idempotency_key (KioskComplement *self)
{
  g_return_val_if_fail (KIOSK_IS_COMPLEMENT (self), NULL);
  return self->idempotency_key;
}

/**
 * kiosk_complement_set_message:
 * @message: (nullable): the citizen's reply to the instructor, in their words
 */
void
kiosk_complement_set_message (KioskComplement *self,
                              const char      *message)
{
  g_return_if_fail (KIOSK_IS_COMPLEMENT (self));
  wipe_string (&self->message);
  self->message = message && *message ? g_strdup (message) : NULL;
}

const char *
kiosk_complement_get_message (KioskComplement *self)
{
  g_return_val_if_fail (KIOSK_IS_COMPLEMENT (self), NULL);
  return self->message;
}

/* Replaces any earlier answer to @request_id. */
static Answer *
take_answer (KioskComplement *self,
             const char      *request_id)
{
  Answer *answer = g_new0 (Answer, 1);

  kiosk_complement_remove_answer (self, request_id);
  answer->request_id = g_strdup (request_id);
  g_ptr_array_add (self->answers, answer);
  return answer;
}

/**
 * kiosk_complement_answer_question:
 * @request_id: a question's id
 * @text: the citizen's answer
 */
void
kiosk_complement_answer_question (KioskComplement *self,
                                  const char      *request_id,
                                  const char      *text)
{
  g_return_if_fail (KIOSK_IS_COMPLEMENT (self));
  g_return_if_fail (request_id != NULL && text != NULL);
  take_answer (self, request_id)->text = g_strdup (text);
}

/**
 * kiosk_complement_answer_field:
 * @request_id: an incorrect-answer request's id
 * @value: the corrected answer, in the JSON form a submission gives it (a string, a number, a
 *   boolean, an array or an object, as the field's type wants: kiosk_field_* helpers make it)
 */
void
kiosk_complement_answer_field (KioskComplement *self,
                               const char      *request_id,
                               JsonNode        *value)
{
  g_return_if_fail (KIOSK_IS_COMPLEMENT (self));
  g_return_if_fail (request_id != NULL && value != NULL);
  take_answer (self, request_id)->value = json_node_copy (value);
}

/**
 * kiosk_complement_answer_document:
 * @request_id: a missing-document request's id
 * @front: the document (or a card's front)
 * @back: (nullable): a card's back
 */
void
kiosk_complement_answer_document (KioskComplement *self,
                                  const char      *request_id,
                                  KioskDocument   *front,
                                  KioskDocument   *back)
{
  Answer *answer;

  g_return_if_fail (KIOSK_IS_COMPLEMENT (self));
  g_return_if_fail (request_id != NULL && KIOSK_IS_DOCUMENT (front));
  answer = take_answer (self, request_id);
  answer->front = g_object_ref (front);
  answer->back = back ? g_object_ref (back) : NULL;
}

void
kiosk_complement_remove_answer (KioskComplement *self,
                                const char      *request_id)
{
  g_return_if_fail (KIOSK_IS_COMPLEMENT (self));
  for (guint i = 0; i < self->answers->len; i++)
    if (g_strcmp0 (((Answer *) g_ptr_array_index (self->answers, i))->request_id, request_id) == 0)
      {
        g_ptr_array_remove_index (self->answers, i);
        return;
      }
}

gboolean
kiosk_complement_has_answer (KioskComplement *self,
                             const char      *request_id)
{
  g_return_val_if_fail (KIOSK_IS_COMPLEMENT (self), FALSE);
  for (guint i = 0; i < self->answers->len; i++)
    if (g_strcmp0 (((Answer *) g_ptr_array_index (self->answers, i))->request_id, request_id) == 0)
      return TRUE;
  return FALSE;
}

guint
kiosk_complement_get_n_answers (KioskComplement *self)
{
  g_return_val_if_fail (KIOSK_IS_COMPLEMENT (self), 0);
  return self->answers->len;
}

/* Returns: %TRUE when there is nothing to send (no answer and no message) */
gboolean
kiosk_complement_is_empty (KioskComplement *self)
{
  g_return_val_if_fail (KIOSK_IS_COMPLEMENT (self), TRUE);
  return self->answers->len == 0 && self->message == NULL;
}

static char *
part_name (Answer  *answer,
           gboolean back)
{
  return g_strdup_printf ("request-%s%s", answer->request_id, back ? ".verso" : "");
}

/**
 * kiosk_complement_build_json:
 *
 * The `complement` part: `{"message", "answers": [{"request", "text" | "value" | "parts"}],
 * "files": {part: {filename, content_type, size, sha256}}}`.
 *
 * Returns: (transfer full): the JSON text; wipe it when done (it holds the citizen's words)
 */
char *
kiosk_complement_build_json (KioskComplement *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (KIOSK_IS_COMPLEMENT (self), NULL);
  json_builder_begin_object (builder);
  if (self->message != NULL)
    {
      json_builder_set_member_name (builder, "message");
      json_builder_add_string_value (builder, self->message);
    }
  json_builder_set_member_name (builder, "answers");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->answers->len; i++)
    {
      Answer *answer = g_ptr_array_index (self->answers, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "request");
      json_builder_add_string_value (builder, answer->request_id);
      if (answer->text != NULL)
        {
          json_builder_set_member_name (builder, "text");
          json_builder_add_string_value (builder, answer->text);
        }
      else if (answer->value != NULL)
        {
          json_builder_set_member_name (builder, "value");
          json_builder_add_value (builder, json_node_copy (answer->value));
        }
      else
        {
          g_autofree char *front = part_name (answer, FALSE);
          g_autofree char *back = part_name (answer, TRUE);

          json_builder_set_member_name (builder, "parts");
          json_builder_begin_array (builder);
          json_builder_add_string_value (builder, front);
          if (answer->back != NULL)
            json_builder_add_string_value (builder, back);
          json_builder_end_array (builder);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "files");
  json_builder_begin_object (builder);
  for (guint i = 0; i < self->answers->len; i++)
    {
      Answer *answer = g_ptr_array_index (self->answers, i);
      g_autofree char *front = part_name (answer, FALSE);
      g_autofree char *back = part_name (answer, TRUE);

      if (answer->front != NULL)
        kiosk_document_declare (answer->front, builder, front);
      if (answer->back != NULL)
        kiosk_document_declare (answer->back, builder, back);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return kiosk_json_to_string (root);
}

static KioskUploadPart *
build_part (Answer        *answer,
            KioskDocument *document,
            gboolean       back)
{
  KioskUploadPart *part = kiosk_upload_part_new_for_document (document);

  g_free (part->varname);
  part->varname = part_name (answer, back);
  return part;
}

/**
 * kiosk_complement_build_parts:
 *
 * Returns: (transfer full) (element-type KioskUploadPart): one part per document side, named as
 *   kiosk_complement_build_json() declares them
 */
GPtrArray *
kiosk_complement_build_parts (KioskComplement *self)
{
  GPtrArray *parts = g_ptr_array_new_with_free_func ((GDestroyNotify) kiosk_upload_part_free);

  g_return_val_if_fail (KIOSK_IS_COMPLEMENT (self), parts);
  for (guint i = 0; i < self->answers->len; i++)
    {
      Answer *answer = g_ptr_array_index (self->answers, i);

      if (answer->front != NULL)
        g_ptr_array_add (parts, build_part (answer, answer->front, FALSE));
      if (answer->back != NULL)
        g_ptr_array_add (parts, build_part (answer, answer->back, TRUE));
    }
  return parts;
}

/**
 * kiosk_complement_build_documents:
 *
 * For the outbox, which stores documents and sends each under its own name.
 *
 * Returns: (transfer full) (element-type KioskDocument): each document side, named as its part
 *   (`request-<id>`, `request-<id>.verso`)
 */
GPtrArray *
kiosk_complement_build_documents (KioskComplement *self)
{
  GPtrArray *documents = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (KIOSK_IS_COMPLEMENT (self), documents);
  for (guint i = 0; i < self->answers->len; i++)
    {
      Answer *answer = g_ptr_array_index (self->answers, i);

      for (guint side = 0; side < 2; side++)
        {
          KioskDocument *document = side == 0 ? answer->front : answer->back;
          g_autofree char *name = NULL;

          if (document == NULL)
            continue;
          name = part_name (answer, side == 1);
          g_ptr_array_add (documents, kiosk_document_new (name, kiosk_document_get_content_type (document),
                                                          kiosk_document_get_content (document), NULL));
        }
    }
  return documents;
}

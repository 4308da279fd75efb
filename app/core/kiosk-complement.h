/* kiosk-complement.h: what a citizen sends to complete a dossier the instructor is waiting on —
 * answers to the instructor's requests (a document, a corrected answer, words) and a message —
 * built by the follow-up pages and sent by KioskFollowup. */
#pragma once

#include "kiosk-document.h"
#include "kiosk-portal.h"

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define KIOSK_TYPE_COMPLEMENT (kiosk_complement_get_type ())
G_DECLARE_FINAL_TYPE (KioskComplement, kiosk_complement, KIOSK, COMPLEMENT, GObject)

KioskComplement *kiosk_complement_new                 (const char      *number);
const char      *kiosk_complement_get_number          (KioskComplement *self);
const char      *kiosk_complement_get_idempotency_key (KioskComplement *self);
void             kiosk_complement_set_message         (KioskComplement *self,
                                                       const char      *message);
const char      *kiosk_complement_get_message         (KioskComplement *self);
void             kiosk_complement_answer_question     (KioskComplement *self,
                                                       const char      *request_id,
                                                       const char      *text);
void             kiosk_complement_answer_field        (KioskComplement *self,
                                                       const char      *request_id,
                                                       JsonNode        *value);
void             kiosk_complement_answer_document     (KioskComplement *self,
                                                       const char      *request_id,
                                                       KioskDocument   *front,
                                                       KioskDocument   *back);
void             kiosk_complement_remove_answer       (KioskComplement *self,
                                                       const char      *request_id);
gboolean         kiosk_complement_has_answer          (KioskComplement *self,
                                                       const char      *request_id);
guint            kiosk_complement_get_n_answers       (KioskComplement *self);
gboolean         kiosk_complement_is_empty            (KioskComplement *self);

char            *kiosk_complement_build_json          (KioskComplement *self);
GPtrArray       *kiosk_complement_build_parts         (KioskComplement *self);
GPtrArray       *kiosk_complement_build_documents     (KioskComplement *self);

G_END_DECLS

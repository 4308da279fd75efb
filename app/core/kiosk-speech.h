/* kiosk-speech.h: reading aloud through speech-dispatcher ("Écouter"). Requests reach one thread
 * of its own through a queue; nothing said is ever logged. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define KIOSK_TYPE_SPEECH (kiosk_speech_get_type ())
G_DECLARE_FINAL_TYPE (KioskSpeech, kiosk_speech, KIOSK, SPEECH, GObject)

KioskSpeech *kiosk_speech_new          (void);
void         kiosk_speech_set_voice    (KioskSpeech *self,
                                        const char  *voice,
                                        int          rate);
void         kiosk_speech_say          (KioskSpeech *self,
                                        const char  *language,
                                        const char  *text);
void         kiosk_speech_stop         (KioskSpeech *self);

char        *kiosk_speech_group_digits (const char  *reference);

G_END_DECLS

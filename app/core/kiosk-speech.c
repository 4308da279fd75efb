/* kiosk-speech.c: reading aloud through speech-dispatcher ("Écouter", issue 19).
 *
 * Every libspeechd call runs on one thread of this service, fed by a queue: spd_open2() may
 * block (it can start the daemon), and a daemon that hangs must never freeze the window. The
 * connection is opened on the first request, in libspeechd's single mode (no reader thread of
 * its own), and closed, and the thread joined, when the service goes away, so that the process
 * exits cleanly.
 *
 * Privacy: what is read is a citizen's page, sometimes a dossier number. It is never logged
 * here, and speech-dispatcher must run with LogLevel 3 or less (docs/deployment.md): at 4 and
 * 5 it writes every message into its log. */
#include "kiosk-speech.h"

#include "kiosk-dispatch.h"

#include <libspeechd.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* How long the service waits, when it goes away, for its thread to close the connection
 * before it cuts it (a daemon that does not answer). */
#define QUIT_TIMEOUT_MS 2000

typedef enum { COMMAND_SAY, COMMAND_STOP, COMMAND_QUIT } CommandKind;

/* A SAY carries the voice and rate to read with. */
typedef struct
{
  CommandKind kind;
  char       *text;
  char       *language;
  char       *voice;      /* nullable: the daemon's default for the language */
  int         rate;
} Command;

/* What the service and its thread share; freed by whichever lets go last. */
typedef struct
{
  GAsyncQueue  *queue;     /* of Command */
  GMainContext *context;   /* where ::failed is emitted */
  GWeakRef      owner;     /* the KioskSpeech, read on @context's thread only */
  GMutex        lock;      /* for what follows */
  GCond         ended_cond;
  gboolean      quitting;  /* the service is going away: open nothing more */
  gboolean      ended;     /* the thread is done with libspeechd */
  int           socket;    /* the connection's socket, -1 when none */
} Shared;

struct _KioskSpeech
{
  GObject  parent_instance;

  Shared  *shared;
  GThread *thread;   /* NULL until the first request */
  char    *voice;    /* nullable */
  int      rate;
};

G_DEFINE_FINAL_TYPE (KioskSpeech, kiosk_speech, G_TYPE_OBJECT)

enum { FAILED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
command_free (Command *command)
{
  if (command == NULL)
    return;
  /* The text may be a citizen's dossier number: not left behind in freed memory. */
  if (command->text != NULL)
    memset (command->text, 0, strlen (command->text));
  g_free (command->text);
  g_free (command->language);
  g_free (command->voice);
  g_free (command);
}

static void
shared_clear (Shared *shared)
{
  Command *command;

  while ((command = g_async_queue_try_pop (shared->queue)) != NULL)
    command_free (command);
  g_async_queue_unref (shared->queue);
  g_main_context_unref (shared->context);
  g_weak_ref_clear (&shared->owner);
  g_mutex_clear (&shared->lock);
  g_cond_clear (&shared->ended_cond);
}

static void
shared_unref (Shared *shared)
{
  g_atomic_rc_box_release_full (shared, (GDestroyNotify) shared_clear);
}

/* On the main context: tells the window that the daemon could not be reached. */
static gboolean
emit_failed_cb (gpointer data)
{
  Shared *shared = data;
  g_autoptr(KioskSpeech) self = g_weak_ref_get (&shared->owner);

  if (self != NULL)
    g_signal_emit (self, signals[FAILED], 0);
  return G_SOURCE_REMOVE;
}

static void
report_failure (Shared *shared)
{
  kiosk_dispatch (shared->context, emit_failed_cb, g_atomic_rc_box_acquire (shared),
                  (GDestroyNotify) shared_unref);
}

typedef struct
{
  Shared        *shared;
  SPDConnection *connection;
  char          *language;     /* the connection's settings; NULL: set them before the next text */
  char          *voice;
  int            rate;
} Speaker;

static gboolean
speaker_open (Speaker *speaker)
{
  char *error = NULL;
  gboolean quitting;

  if (speaker->connection != NULL)
    return TRUE;
  g_mutex_lock (&speaker->shared->lock);
  quitting = speaker->shared->quitting;
  g_mutex_unlock (&speaker->shared->lock);
  if (quitting)
    return FALSE;
  /* The address comes from SPEECHD_ADDRESS, or the user's default socket; the daemon is
   * started if it does not run yet (autospawn). */
  speaker->connection = spd_open2 ("kiosk", "read-aloud", NULL, SPD_MODE_SINGLE, NULL, TRUE, &error);
  free (error);
  g_clear_pointer (&speaker->language, g_free);
  g_mutex_lock (&speaker->shared->lock);
  speaker->shared->socket = speaker->connection != NULL ? speaker->connection->socket : -1;
  g_mutex_unlock (&speaker->shared->lock);
  return speaker->connection != NULL;
}

static void
speaker_close (Speaker *speaker)
{
  g_mutex_lock (&speaker->shared->lock);
  speaker->shared->socket = -1;
  g_mutex_unlock (&speaker->shared->lock);
  if (speaker->connection != NULL)
    spd_close (speaker->connection);
  speaker->connection = NULL;
  g_clear_pointer (&speaker->language, g_free);
}

/* Cancels what this connection is reading, then reads @command's text. */
static gboolean
speaker_say (Speaker *speaker,
             Command *command)
{
  if (!speaker_open (speaker))
    return FALSE;
  /* The language first: it picks the daemon's voice for it, which a named voice replaces. */
  if (g_strcmp0 (speaker->language, command->language) != 0
      || g_strcmp0 (speaker->voice, command->voice) != 0 || speaker->rate != command->rate)
    {
      spd_set_language (speaker->connection, command->language);
      spd_set_voice_rate (speaker->connection, command->rate);
      if (command->voice != NULL && command->voice[0] != '\0')
        spd_set_synthesis_voice (speaker->connection, command->voice);
      g_free (speaker->language);
      speaker->language = g_strdup (command->language);
      g_free (speaker->voice);
      speaker->voice = g_strdup (command->voice);
      speaker->rate = command->rate;
    }
  spd_cancel (speaker->connection);
  return spd_say (speaker->connection, SPD_TEXT, command->text) >= 0;
}

static gpointer
run_speech (gpointer data)
{
  Shared *shared = data;
  Speaker speaker = { shared, NULL, NULL, NULL, 0 };
  gboolean quit = FALSE;
  sigset_t pipe_signal;

  /* libspeechd writes to its socket with write(): a daemon gone away must not kill the kiosk
   * with SIGPIPE. Blocked here, the signal stays pending on this thread and dies with it. */
  sigemptyset (&pipe_signal);
  sigaddset (&pipe_signal, SIGPIPE);
  pthread_sigmask (SIG_BLOCK, &pipe_signal, NULL);

  while (!quit)
    {
      Command *next = g_async_queue_pop (shared->queue);
      Command *pending = NULL;   /* the newest say or stop */

      /* Only the newest say or stop counts: an older one would be cancelled at once. */
      for (; next != NULL; next = g_async_queue_try_pop (shared->queue))
        switch (next->kind)
          {
          case COMMAND_QUIT:
            quit = TRUE;
            command_free (next);
            break;
          default:
            command_free (pending);
            pending = next;
          }
      if (quit || pending == NULL)
        {
          command_free (pending);
          continue;
        }
      if (pending->kind == COMMAND_STOP)
        {
          if (speaker.connection != NULL)
            spd_cancel (speaker.connection);
        }
      else if (!speaker_say (&speaker, pending))
        {
          /* The daemon may have restarted: one new connection, then give up on this text. */
          speaker_close (&speaker);
          if (!speaker_say (&speaker, pending))
            {
              speaker_close (&speaker);
              report_failure (shared);
            }
        }
      command_free (pending);
    }
  speaker_close (&speaker);
  g_free (speaker.voice);
  g_mutex_lock (&shared->lock);
  shared->ended = TRUE;
  g_cond_signal (&shared->ended_cond);
  g_mutex_unlock (&shared->lock);
  shared_unref (shared);
  return NULL;
}

static void
push (KioskSpeech *self,
      Command     *command)
{
  if (self->thread == NULL)
    self->thread = g_thread_new ("kiosk-speech", run_speech, g_atomic_rc_box_acquire (self->shared));
  g_async_queue_push (self->shared->queue, command);
}

static void
kiosk_speech_dispose (GObject *object)
{
  KioskSpeech *self = KIOSK_SPEECH (object);

  /* The thread closes the connection (spd_close) and ends; waiting for it here means nothing
   * of libspeechd outlives the service. */
  if (self->thread != NULL)
    {
      Command *quit = g_new0 (Command, 1);
      Shared *shared = self->shared;
      gint64 end = g_get_monotonic_time () + QUIT_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;

      quit->kind = COMMAND_QUIT;
      g_async_queue_push (shared->queue, quit);
      /* A daemon that hangs (stopped, deadlocked) leaves libspeechd waiting for an answer that
       * never comes: its socket is shut down, and the call returns. */
      g_mutex_lock (&shared->lock);
      shared->quitting = TRUE;
      while (!shared->ended)
        if (!g_cond_wait_until (&shared->ended_cond, &shared->lock, end))
          {
            if (shared->socket >= 0)
              shutdown (shared->socket, SHUT_RDWR);
            break;
          }
      g_mutex_unlock (&shared->lock);
      g_thread_join (g_steal_pointer (&self->thread));
    }
  G_OBJECT_CLASS (kiosk_speech_parent_class)->dispose (object);
}

static void
kiosk_speech_finalize (GObject *object)
{
  KioskSpeech *self = KIOSK_SPEECH (object);

  shared_unref (self->shared);
  g_free (self->voice);
  G_OBJECT_CLASS (kiosk_speech_parent_class)->finalize (object);
}

static void
kiosk_speech_class_init (KioskSpeechClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kiosk_speech_dispose;
  object_class->finalize = kiosk_speech_finalize;

  /**
   * KioskSpeech::failed:
   *
   * speech-dispatcher could not be reached (not installed, not started, gone): the text was
   * not read. Emitted on the main context the service was made on.
   */
  signals[FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
kiosk_speech_init (KioskSpeech *self)
{
  self->shared = g_atomic_rc_box_new0 (Shared);
  g_mutex_init (&self->shared->lock);
  g_cond_init (&self->shared->ended_cond);
  self->shared->socket = -1;
  self->shared->queue = g_async_queue_new ();
  self->shared->context = g_main_context_ref_thread_default ();
  g_weak_ref_init (&self->shared->owner, self);
}

/**
 * kiosk_speech_new:
 *
 * Nothing starts before the first request: no thread, no connection.
 *
 * Returns: (transfer full): a new speech service
 */
KioskSpeech *
kiosk_speech_new (void)
{
  return g_object_new (KIOSK_TYPE_SPEECH, NULL);
}

/**
 * kiosk_speech_set_voice:
 * @voice: (nullable): a voice name of the daemon's output module (`spd-say -L`), or %NULL or
 *   "" for its default voice for the language
 * @rate: -100 (slowest) to 100; 0 is the daemon's usual rate
 *
 * Applies from the next text read; starts nothing.
 */
void
kiosk_speech_set_voice (KioskSpeech *self,
                        const char  *voice,
                        int          rate)
{
  g_return_if_fail (KIOSK_IS_SPEECH (self));
  g_free (self->voice);
  self->voice = g_strdup (voice);
  self->rate = CLAMP (rate, -100, 100);
}

/**
 * kiosk_speech_say:
 * @language: an ISO 639 language code, e.g. "fr"
 * @text: what to read, in that language
 *
 * Stops what is being read and reads @text instead. Returns at once; ::failed says if the
 * daemon could not be reached.
 */
void
kiosk_speech_say (KioskSpeech *self,
                  const char  *language,
                  const char  *text)
{
  Command *command;

  g_return_if_fail (KIOSK_IS_SPEECH (self));
  g_return_if_fail (language != NULL && text != NULL);
  if (text[0] == '\0')
    {
      kiosk_speech_stop (self);
      return;
    }
  command = g_new0 (Command, 1);
  command->kind = COMMAND_SAY;
  command->text = g_strdup (text);
  command->language = g_strdup (language);
  command->voice = g_strdup (self->voice);
  command->rate = self->rate;
  push (self, command);
}

/**
 * kiosk_speech_stop:
 *
 * Stops what is being read, if anything. Costs nothing before the first text.
 */
void
kiosk_speech_stop (KioskSpeech *self)
{
  Command *command;

  g_return_if_fail (KIOSK_IS_SPEECH (self));
  if (self->thread == NULL)
    return;
  command = g_new0 (Command, 1);
  command->kind = COMMAND_STOP;
  push (self, command);
}

/**
 * kiosk_speech_group_digits:
 * @reference: a dossier or appointment number, e.g. "2026-004217" or "RDV-7K3Q"
 *
 * How a reference is read so that it can be written down: digits two by two ("20, 26, 00,
 * 42, 17"; an odd run ends with one digit), letters one by one, every group apart. Anything
 * else (dashes, spaces, slashes) only separates groups.
 *
 * Returns: (transfer full): the text to read
 */
char *
kiosk_speech_group_digits (const char *reference)
{
  g_autoptr(GPtrArray) groups = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *joined = NULL;
  const char *p = reference;

  g_return_val_if_fail (reference != NULL, NULL);
  while (*p != '\0')
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isdigit (c) && c < 128)
        {
          const char *start = p;
          guint n = 0;

          while (*p >= '0' && *p <= '9' && n < 2)
            p++, n++;
          g_ptr_array_add (groups, g_strndup (start, p - start));
          continue;
        }
      if (g_unichar_isalpha (c))
        g_ptr_array_add (groups, g_utf8_substring (p, 0, 1));
      p = g_utf8_next_char (p);
    }
  g_ptr_array_add (groups, NULL);
  joined = g_strjoinv (", ", (char **) groups->pdata);
  return g_steal_pointer (&joined);
}

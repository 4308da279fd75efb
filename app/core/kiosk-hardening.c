/* kiosk-hardening.c: no core dumps, and secrets and scans locked in memory (see kiosk-hardening.h). */
#include "kiosk-hardening.h"

#include <errno.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

/* Bytes this process has locked through kiosk_memory_lock(), in whole pages. */
static gsize locked_bytes;

/**
 * kiosk_hardening_apply:
 *
 * Called first thing at start: a crash (or a SIGQUIT sent on purpose) writes no core file that
 * would hold a citizen's scans or the device's keys, and another process of the same user cannot
 * attach to this one (ptrace) or read its memory through /proc. The import and scan helpers
 * inherit the zero core size.
 */
void
kiosk_hardening_apply (void)
{
  struct rlimit none = { 0, 0 };

  if (setrlimit (RLIMIT_CORE, &none) != 0)
    g_warning ("Cannot turn core dumps off: %s", g_strerror (errno));
  if (prctl (PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
    g_warning ("Cannot make the process non-dumpable: %s", g_strerror (errno));
}

static void
page_span (gconstpointer  data,
           gsize          size,
           gpointer      *start,
           gsize         *length)
{
  gsize page = sysconf (_SC_PAGESIZE);
  guintptr first = (guintptr) data & ~(guintptr) (page - 1);
  guintptr end = ((guintptr) data + size + page - 1) & ~(guintptr) (page - 1);

  *start = (gpointer) first;
  *length = end - first;
}

/**
 * kiosk_memory_lock:
 * @data: a key, or a scan's bytes
 *
 * Keeps @data out of swap, if the process's RLIMIT_MEMLOCK leaves room for it: a page that was
 * never written to disk cannot be read back from it. Failing is not an error (the kiosk works the
 * same, only less well protected); what did not fit is simply not locked.
 *
 * Returns: whether @data is now locked
 */
gboolean
kiosk_memory_lock (gconstpointer data,
                   gsize         size)
{
  struct rlimit limit;
  gpointer start;
  gsize length;

  if (data == NULL || size == 0)
    return FALSE;
  page_span (data, size, &start, &length);
  if (getrlimit (RLIMIT_MEMLOCK, &limit) != 0)
    return FALSE;
  if (limit.rlim_cur != RLIM_INFINITY && g_atomic_pointer_get (&locked_bytes) + length > limit.rlim_cur)
    return FALSE;
  if (mlock (start, length) != 0)
    return FALSE;
  /* A core dump (were one allowed again) leaves these pages out too. */
  madvise (start, length, MADV_DONTDUMP);
  g_atomic_pointer_add (&locked_bytes, length);
  return TRUE;
}

/**
 * kiosk_memory_unlock:
 *
 * Gives back what kiosk_memory_lock() took for the same @data and @size; call it only when that
 * returned %TRUE, before the memory is freed.
 */
void
kiosk_memory_unlock (gconstpointer data,
                     gsize         size)
{
  gpointer start;
  gsize length;

  if (data == NULL || size == 0)
    return;
  page_span (data, size, &start, &length);
  munlock (start, length);
  g_atomic_pointer_add (&locked_bytes, -(gssize) length);
}

/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The registry of active handles behind xentoolcore_restrict_all().
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "xentoolcore_internal.h"
#include "xenlibs_cdefs.h"

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t registry_once = PTHREAD_ONCE_INIT;
static Xentoolcore__Active_Handle *registry_head;

/*
 * A child may close its inherited handles, and closing deregisters: hold
 * the lock across fork() so that the child never inherits it locked by a
 * thread that does not exist there.
 */
static void registry_lock_take(void) { pthread_mutex_lock(&registry_lock); }
static void registry_lock_give(void) { pthread_mutex_unlock(&registry_lock); }

/*
 * While a thread runs xentoolcore_restrict_all(): its descriptor of
 * /dev/null, opened before any handle was touched, plus one (0: none),
 * which xentoolcore__restrict_by_dup2_null() called from that thread's
 * callbacks copies over the handles it neutralises, so that neutralising
 * needs no new descriptor and cannot fail for want of one.  Per thread:
 * other threads neutralising a handle on their own open their own.
 */
static pthread_key_t restrict_null_key;
static int restrict_null_key_ok;

static void
registry_init(void)
{
	pthread_atfork(registry_lock_take, registry_lock_give,
	    registry_lock_give);
	restrict_null_key_ok = pthread_key_create(&restrict_null_key,
	    NULL) == 0;
}

/* This thread's spare /dev/null descriptor, or -1. */
static int
restrict_null(void)
{
	pthread_once(&registry_once, registry_init);
	if (!restrict_null_key_ok)
		return -1;
	return (int)(intptr_t)pthread_getspecific(restrict_null_key) - 1;
}

XENLIBS_EXPORT void
xentoolcore__register_active_handle(Xentoolcore__Active_Handle *ah)
{
	pthread_once(&registry_once, registry_init);
	pthread_mutex_lock(&registry_lock);
	ah->entry.next = registry_head;
	if (registry_head != NULL)
		registry_head->entry.prevp = &ah->entry.next;
	registry_head = ah;
	ah->entry.prevp = &registry_head;
	pthread_mutex_unlock(&registry_lock);
}

XENLIBS_EXPORT void
xentoolcore__deregister_active_handle(Xentoolcore__Active_Handle *ah)
{
	pthread_mutex_lock(&registry_lock);
	/* Tolerate a handle that was never registered or already removed. */
	if (ah->entry.prevp != NULL) {
		if (ah->entry.next != NULL)
			ah->entry.next->entry.prevp = ah->entry.prevp;
		*ah->entry.prevp = ah->entry.next;
		ah->entry.next = NULL;
		ah->entry.prevp = NULL;
	}
	pthread_mutex_unlock(&registry_lock);
}

XENLIBS_EXPORT int
xentoolcore_restrict_all(domid_t domid)
{
	Xentoolcore__Active_Handle *ah;
	unsigned int failed = 0;
	int saved = 0, nullfd;

	/*
	 * Everything that can be decided before any handle is touched is
	 * decided first: a reserved domid (the kernels take DOMID_INVALID
	 * for "unrestricted") and a spare descriptor to neutralise with.
	 */
	if (domid >= DOMID_FIRST_RESERVED) {
		fprintf(stderr, "xentoolcore: restrict_all: domid %u is "
		    "reserved: no handle was restricted\n", (unsigned)domid);
		errno = EINVAL;
		return -1;
	}
	pthread_once(&registry_once, registry_init);
	pthread_mutex_lock(&registry_lock);
	if ((nullfd = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1) {
		saved = errno;
		pthread_mutex_unlock(&registry_lock);
		fprintf(stderr, "xentoolcore: restrict_all: cannot open "
		    "/dev/null (%s): no handle was restricted\n",
		    strerror(saved));
		errno = saved;
		return -1;
	}
	if (restrict_null_key_ok)
		(void)pthread_setspecific(restrict_null_key,
		    (void *)(intptr_t)(nullfd + 1));
	/*
	 * Callbacks run under the lock so that no handle can be closed (and
	 * its memory freed) while it is being restricted.  A handle that
	 * fails does not stop the walk: every other handle is still
	 * restricted (xenlibs' own callbacks neutralise the handle they
	 * could not restrict, and log which one), so that the call never
	 * leaves a handle unrestricted behind one that failed.
	 */
	for (ah = registry_head; ah != NULL; ah = ah->entry.next) {
		if (ah->restrict_callback(ah, domid) != 0) {
			if (failed++ == 0)
				saved = errno;
		}
	}
	if (restrict_null_key_ok)
		(void)pthread_setspecific(restrict_null_key, NULL);
	close(nullfd);
	pthread_mutex_unlock(&registry_lock);
	if (failed == 0)
		return 0;
	fprintf(stderr, "xentoolcore: restrict_all: %u handle(s) could not "
	    "be restricted to domain %u (first error: %s); the others "
	    "were\n", failed, (unsigned)domid, strerror(saved));
	errno = saved;
	return -1;
}

XENLIBS_EXPORT int
xentoolcore__restrict_by_dup2_null(int fd)
{
	int nullfd, spare, fdflags, saved, rc;

	if ((fdflags = fcntl(fd, F_GETFD)) == -1)
		return -1;
	/*
	 * Called from a restrict callback, under the registry lock, while
	 * xentoolcore_restrict_all() holds a spare /dev/null: use it.
	 */
	if ((nullfd = spare = restrict_null()) == -1 &&
	    (nullfd = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	/* dup2() clears FD_CLOEXEC on fd: put the handle's flag back. */
	while ((rc = dup2(nullfd, fd)) == -1 && (errno == EINTR ||
	    errno == EBUSY))
		continue;
	if (rc == -1 || fcntl(fd, F_SETFD, fdflags) == -1) {
		saved = errno;
		if (nullfd != spare)
			close(nullfd);
		errno = saved;
		return -1;
	}
	if (nullfd != spare)
		close(nullfd);
	return 0;
}

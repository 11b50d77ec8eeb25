/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The registry of active handles behind xentoolcore_restrict_all().
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stddef.h>
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

static void
registry_init(void)
{
	pthread_atfork(registry_lock_take, registry_lock_give,
	    registry_lock_give);
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
	int rc = 0, saved = 0;

	/*
	 * Callbacks run under the lock so that no handle can be closed (and
	 * its memory freed) while it is being restricted.
	 */
	pthread_mutex_lock(&registry_lock);
	for (ah = registry_head; ah != NULL; ah = ah->entry.next) {
		if (ah->restrict_callback(ah, domid) != 0) {
			saved = errno;
			rc = -1;
			break;
		}
	}
	pthread_mutex_unlock(&registry_lock);
	if (rc < 0)
		errno = saved;
	return rc;
}

XENLIBS_EXPORT int
xentoolcore__restrict_by_dup2_null(int fd)
{
	int nullfd, fdflags, saved;

	if ((fdflags = fcntl(fd, F_GETFD)) == -1)
		return -1;
	if ((nullfd = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	/* dup2() clears FD_CLOEXEC on fd: put the handle's flag back. */
	if (dup2(nullfd, fd) == -1 || fcntl(fd, F_SETFD, fdflags) == -1) {
		saved = errno;
		close(nullfd);
		errno = saved;
		return -1;
	}
	close(nullfd);
	return 0;
}

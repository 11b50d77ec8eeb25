/* SPDX-License-Identifier: BSD-2-Clause */
/* Helpers shared by the xenemu self-tests. */

#ifndef T_UTIL_H
#define T_UTIL_H

#include <errno.h>
#include <string.h>

#include <atf-c.h>

#include "xenemu.h"

#define T_SETUP(d)	ATF_REQUIRE_EQ_MSG(0, xenemu_setup(d), "setup: %s", \
			    strerror(errno))
#define T_OK(x)		ATF_REQUIRE_MSG((x) == 0, "%s: %s", #x, strerror(errno))
#define T_FD(x)		t_fd((x), #x)
/* Fails with errno e. */
#define T_ERR(e, x)	do {						\
		errno = 0;						\
		ATF_CHECK_MSG((x) == -1 && errno == (e),		\
		    "%s: want errno %d (%s), got %d (%s)", #x, (e),	\
		    strerror(e), errno, strerror(errno));		\
	} while (0)
#define T_NO_LEAKS()	ATF_CHECK_EQ_MSG(0, xenemu_assert_no_leaks(),	\
			    "emulated resources leaked (see stderr)")

static inline int
t_fd(int fd, const char *what)
{
	ATF_REQUIRE_MSG(fd >= 0, "%s: %s", what, strerror(errno));
	return (fd);
}

#endif /* !T_UTIL_H */

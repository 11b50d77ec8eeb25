# SPDX-License-Identifier: BSD-2-Clause
#
# A directory of directories: SUBDIR, built in order.  A listed directory
# that does not exist is an error.

.include "xenlibs.conf.mk"
SUBDIR_MUST_EXIST=	yes
.include <subdir.mk>

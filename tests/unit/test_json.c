// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests for json.c: nesting, commas, escaping, NaN and empty strings as null. */
#include <math.h>
#include <stdlib.h>

#include "kx_json.h"
#include "tap.h"

int main(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	struct kx_json j;

	kx_json_init(&j, out, false);
	kx_json_obj_begin(&j, NULL);
	kx_json_str(&j, "s", "a\"b\\c\n\x01");
	kx_json_u64(&j, "u", UINT64_MAX);
	kx_json_i64(&j, "i", -3);
	kx_json_double(&j, "nan", NAN, 2);
	kx_json_double(&j, "d", 2.5, 2);
	kx_json_arr_begin(&j, "a");
	kx_json_bool(&j, NULL, true);
	kx_json_null(&j, NULL);
	kx_json_obj_begin(&j, NULL);
	kx_json_obj_end(&j);
	kx_json_arr_end(&j);
	kx_json_arr_begin(&j, "empty");
	kx_json_arr_end(&j);
	kx_json_str_or_null(&j, "none", "");
	kx_json_str_or_null(&j, "some", "x");
	kx_json_obj_end(&j);
	kx_json_finish(&j);
	fclose(out);
	is_str(buf, "{\"s\":\"a\\\"b\\\\c\\n\\u0001\",\"u\":18446744073709551615,\"i\":-3,"
	       "\"nan\":null,\"d\":2.50,\"a\":[true,null,{}],\"empty\":[],\"none\":null,"
	       "\"some\":\"x\"}\n",
	       "compact document exact");
	free(buf);
	return done_testing();
}

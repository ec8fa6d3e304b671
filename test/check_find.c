#include "fileutil.h"
START_TEST(test_placeholder_find) { scratch_setup(); scratch_teardown(); } END_TEST
static Suite *s(void){Suite *s=suite_create("x");TCase*tc=tcase_create("x");tcase_add_test(tc,test_placeholder_find);suite_add_tcase(s,tc);return s;}
TEST_MAIN(s)

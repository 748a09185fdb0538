/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Input of mkrela.sh: an object that calls and names symbols of another
 * object, as klp_rela_patch.c does; built with the kernel's code model.
 */
int secret_fn(int x);
extern int secret_var;
int exported_fn(int x);
int defined_fn(int x);
int *defined_ref(void);

int defined_fn(int x)
{
	return secret_fn(x) + exported_fn(x) + secret_fn(x + 1);
}

int *defined_ref(void)
{
	return &secret_var;
}

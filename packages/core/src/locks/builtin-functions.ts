/**
 * Names of PostgreSQL built-in functions whose every overload is STABLE or IMMUTABLE, so a column
 * DEFAULT calling only these is evaluated once by ADD COLUMN (PostgreSQL 11+) and nothing is
 * rewritten. Type I/O, planner-support, trigger and handler functions and `pg_*` internals are
 * left out: nobody writes them in a DEFAULT.
 *
 * Generated from PostgreSQL 15's catalog (regenerate on a new major version):
 *
 *   WITH internal AS (
 *     SELECT typinput::oid AS o FROM pg_type UNION SELECT typoutput FROM pg_type
 *     UNION SELECT typreceive FROM pg_type UNION SELECT typsend FROM pg_type
 *     UNION SELECT typmodin FROM pg_type UNION SELECT typmodout FROM pg_type
 *     UNION SELECT typanalyze FROM pg_type UNION SELECT oprrest FROM pg_operator
 *     UNION SELECT oprjoin FROM pg_operator UNION SELECT oprcode FROM pg_operator)
 *   SELECT proname FROM pg_proc p
 *   WHERE pronamespace = 'pg_catalog'::regnamespace AND prokind = 'f'
 *     AND p.oid NOT IN (SELECT o FROM internal WHERE o <> 0)
 *     AND prorettype NOT IN ('trigger'::regtype, 'event_trigger'::regtype, 'internal'::regtype,
 *       'language_handler'::regtype, 'fdw_handler'::regtype, 'tsm_handler'::regtype,
 *       'index_am_handler'::regtype, 'table_am_handler'::regtype)
 *     AND proname !~ '^(_|binary_upgrade_|pg_)'
 *   GROUP BY proname HAVING bool_and(provolatile <> 'v') ORDER BY 1;
 */
export const NON_VOLATILE_BUILTINS: ReadonlySet<string> = new Set(
  (
    'abbrev abs acldefault aclexplode acos acosd acosh age area array_agg_array_finalfn ' +
    'array_agg_finalfn array_dims array_fill array_larger array_length array_lower array_ndims ' +
    'array_position array_positions array_remove array_replace array_smaller array_to_json ' +
    'array_to_string array_to_tsvector array_upper ascii asin asind asinh atan atan2 atan2d atand ' +
    'atanh big5_to_euc_tw big5_to_mic big5_to_utf8 bit bit_count bit_length bitcmp bool bool_alltrue ' +
    'bool_anytrue booland_statefunc boolor_statefunc bound_box box bpchar bpchar_larger ' +
    'bpchar_smaller bpchar_sortsupport bpcharcmp brin_bloom_add_value brin_bloom_consistent ' +
    'brin_bloom_options brin_bloom_union brin_inclusion_add_value brin_inclusion_consistent ' +
    'brin_inclusion_union brin_minmax_add_value brin_minmax_consistent brin_minmax_multi_add_value ' +
    'brin_minmax_multi_consistent brin_minmax_multi_distance_date brin_minmax_multi_distance_float4 ' +
    'brin_minmax_multi_distance_float8 brin_minmax_multi_distance_inet ' +
    'brin_minmax_multi_distance_int2 brin_minmax_multi_distance_int4 brin_minmax_multi_distance_int8 ' +
    'brin_minmax_multi_distance_interval brin_minmax_multi_distance_macaddr ' +
    'brin_minmax_multi_distance_macaddr8 brin_minmax_multi_distance_numeric ' +
    'brin_minmax_multi_distance_pg_lsn brin_minmax_multi_distance_tid ' +
    'brin_minmax_multi_distance_time brin_minmax_multi_distance_timestamp ' +
    'brin_minmax_multi_distance_timetz brin_minmax_multi_distance_uuid brin_minmax_multi_options ' +
    'brin_minmax_multi_union brin_minmax_union broadcast btarraycmp btboolcmp btbpchar_pattern_cmp ' +
    'btbpchar_pattern_sortsupport btcharcmp btequalimage btfloat48cmp btfloat4cmp ' +
    'btfloat4sortsupport btfloat84cmp btfloat8cmp btfloat8sortsupport btint24cmp btint28cmp ' +
    'btint2cmp btint2sortsupport btint42cmp btint48cmp btint4cmp btint4sortsupport btint82cmp ' +
    'btint84cmp btint8cmp btint8sortsupport btnamecmp btnamesortsupport btnametextcmp btoidcmp ' +
    'btoidsortsupport btoidvectorcmp btrecordcmp btrecordimagecmp btrim bttext_pattern_cmp ' +
    'bttext_pattern_sortsupport bttextcmp bttextnamecmp bttextsortsupport bttidcmp ' +
    'btvarstrequalimage bytea_sortsupport bytea_string_agg_finalfn byteacmp cardinality cash_cmp ' +
    'cash_words cashlarger cashsmaller cbrt ceil ceiling center char char_length character_length ' +
    'chr cidr circle col_description concat concat_ws convert convert_from convert_to cos cosd cosh ' +
    'cot cotd cume_dist_final current_database current_schema current_schemas current_setting ' +
    'current_user database_to_xml database_to_xml_and_xmlschema database_to_xmlschema date date_bin ' +
    'date_cmp date_cmp_timestamp date_cmp_timestamptz date_larger date_part date_smaller ' +
    'date_sortsupport date_trunc datemultirange daterange daterange_canonical daterange_subdiff ' +
    'decode degrees dense_rank_final dexp diagonal diameter div dlog1 dlog10 dround dtrunc encode ' +
    'enum_cmp enum_first enum_in enum_larger enum_last enum_out enum_range enum_recv enum_send ' +
    'enum_smaller euc_cn_to_mic euc_cn_to_utf8 euc_jis_2004_to_shift_jis_2004 euc_jis_2004_to_utf8 ' +
    'euc_jp_to_mic euc_jp_to_sjis euc_jp_to_utf8 euc_kr_to_mic euc_kr_to_utf8 euc_tw_to_big5 ' +
    'euc_tw_to_mic euc_tw_to_utf8 exp extract factorial family float4 float4_accum float4larger ' +
    'float4smaller float8 float8_accum float8_avg float8_combine float8_corr float8_covar_pop ' +
    'float8_covar_samp float8_regr_accum float8_regr_avgx float8_regr_avgy float8_regr_combine ' +
    'float8_regr_intercept float8_regr_r2 float8_regr_slope float8_regr_sxx float8_regr_sxy ' +
    'float8_regr_syy float8_stddev_pop float8_stddev_samp float8_var_pop float8_var_samp ' +
    'float8larger float8smaller floor fmgr_c_validator fmgr_internal_validator fmgr_sql_validator ' +
    'format format_type gb18030_to_utf8 gbk_to_utf8 gcd generate_series generate_subscripts get_bit ' +
    'get_byte get_current_ts_config getdatabaseencoding getpgusername gin_cmp_prefix ' +
    'gin_cmp_tslexeme gin_compare_jsonb gin_consistent_jsonb gin_consistent_jsonb_path ' +
    'gin_triconsistent_jsonb gin_triconsistent_jsonb_path gin_tsquery_consistent ' +
    'gin_tsquery_triconsistent ginarrayconsistent ginarraytriconsistent gist_box_consistent ' +
    'gist_box_distance gist_box_union gist_circle_consistent gist_circle_distance ' +
    'gist_point_consistent gist_point_distance gist_point_sortsupport gist_poly_consistent ' +
    'gist_poly_distance gtsquery_consistent gtsquery_union gtsvector_consistent gtsvector_options ' +
    'gtsvector_union has_any_column_privilege has_column_privilege has_database_privilege ' +
    'has_foreign_data_wrapper_privilege has_function_privilege has_language_privilege ' +
    'has_parameter_privilege has_schema_privilege has_sequence_privilege has_server_privilege ' +
    'has_table_privilege has_tablespace_privilege has_type_privilege hash_aclitem ' +
    'hash_aclitem_extended hash_array hash_array_extended hash_multirange hash_multirange_extended ' +
    'hash_numeric hash_numeric_extended hash_range hash_range_extended hash_record ' +
    'hash_record_extended hashbpchar hashbpcharextended hashchar hashcharextended hashenum ' +
    'hashenumextended hashfloat4 hashfloat4extended hashfloat8 hashfloat8extended hashinet ' +
    'hashinetextended hashint2 hashint2extended hashint4 hashint4extended hashint8 hashint8extended ' +
    'hashmacaddr hashmacaddr8 hashmacaddr8extended hashmacaddrextended hashname hashnameextended ' +
    'hashoid hashoidextended hashoidvector hashoidvectorextended hashtext hashtextextended hashtid ' +
    'hashtidextended hashvarlena hashvarlenaextended height host hostmask in_range inet_client_addr ' +
    'inet_client_port inet_gist_consistent inet_gist_union inet_merge inet_same_family ' +
    'inet_server_addr inet_server_port inet_spg_choose inet_spg_config inet_spg_inner_consistent ' +
    'inet_spg_leaf_consistent inet_spg_picksplit initcap int2 int2_avg_accum int2_avg_accum_inv ' +
    'int2_sum int2int4_sum int2larger int2smaller int4 int4_avg_accum int4_avg_accum_inv ' +
    'int4_avg_combine int4_sum int4inc int4larger int4multirange int4range int4range_canonical ' +
    'int4range_subdiff int4smaller int8 int8_avg int8_avg_serialize int8_sum int8dec int8dec_any ' +
    'int8inc int8inc_any int8inc_float8_float8 int8larger int8multirange int8range ' +
    'int8range_canonical int8range_subdiff int8smaller interval interval_accum interval_accum_inv ' +
    'interval_avg interval_cmp interval_combine interval_hash interval_hash_extended interval_larger ' +
    'interval_smaller is_normalized isclosed isempty isfinite ishorizontal iso8859_1_to_utf8 ' +
    'iso8859_to_utf8 iso_to_koi8r iso_to_mic iso_to_win1251 iso_to_win866 isopen isparallel isperp ' +
    'isvertical johab_to_utf8 json_agg_finalfn json_array_elements json_array_elements_text ' +
    'json_array_length json_build_array json_build_object json_each json_each_text json_object ' +
    'json_object_agg_finalfn json_object_keys json_populate_record json_populate_recordset ' +
    'json_strip_nulls json_to_record json_to_recordset json_to_tsvector json_typeof ' +
    'jsonb_agg_finalfn jsonb_array_elements jsonb_array_elements_text jsonb_array_length ' +
    'jsonb_build_array jsonb_build_object jsonb_cmp jsonb_each jsonb_each_text jsonb_hash ' +
    'jsonb_hash_extended jsonb_insert jsonb_object jsonb_object_agg_finalfn jsonb_object_keys ' +
    'jsonb_path_exists jsonb_path_exists_tz jsonb_path_match jsonb_path_match_tz jsonb_path_query ' +
    'jsonb_path_query_array jsonb_path_query_array_tz jsonb_path_query_first ' +
    'jsonb_path_query_first_tz jsonb_path_query_tz jsonb_populate_record jsonb_populate_recordset ' +
    'jsonb_pretty jsonb_set jsonb_set_lax jsonb_strip_nulls jsonb_to_record jsonb_to_recordset ' +
    'jsonb_to_tsvector jsonb_typeof justify_days justify_hours justify_interval koi8r_to_iso ' +
    'koi8r_to_mic koi8r_to_utf8 koi8r_to_win1251 koi8r_to_win866 koi8u_to_utf8 latin1_to_mic ' +
    'latin2_to_mic latin2_to_win1250 latin3_to_mic latin4_to_mic lcm left length like like_escape ' +
    'line ln log log10 lower lower_inc lower_inf lpad lseg ltrim macaddr macaddr8 macaddr8_cmp ' +
    'macaddr8_set7bit macaddr_cmp macaddr_sortsupport make_date make_interval make_time ' +
    'make_timestamp make_timestamptz makeaclitem masklen md5 mic_to_big5 mic_to_euc_cn mic_to_euc_jp ' +
    'mic_to_euc_kr mic_to_euc_tw mic_to_iso mic_to_koi8r mic_to_latin1 mic_to_latin2 mic_to_latin3 ' +
    'mic_to_latin4 mic_to_sjis mic_to_win1250 mic_to_win1251 mic_to_win866 min_scale mod mode_final ' +
    'money multirange multirange_agg_finalfn multirange_cmp multirange_gist_consistent ' +
    'multirange_intersect_agg_transfn mxid_age name nameconcatoid netmask network network_cmp ' +
    'network_larger network_smaller network_sortsupport normalize notlike now npoints num_nonnulls ' +
    'num_nulls numeric numeric_avg numeric_avg_serialize numeric_cmp numeric_div_trunc numeric_exp ' +
    'numeric_inc numeric_larger numeric_ln numeric_log numeric_poly_avg numeric_poly_serialize ' +
    'numeric_poly_stddev_pop numeric_poly_stddev_samp numeric_poly_sum numeric_poly_var_pop ' +
    'numeric_poly_var_samp numeric_serialize numeric_smaller numeric_sortsupport numeric_sqrt ' +
    'numeric_stddev_pop numeric_stddev_samp numeric_sum numeric_var_pop numeric_var_samp ' +
    'nummultirange numnode numrange numrange_subdiff obj_description octet_length oid oidlarger ' +
    'oidsmaller oidvectortypes overlaps overlay parse_ident path pclose percent_rank_final ' +
    'percentile_cont_float8_final percentile_cont_float8_multi_final percentile_cont_interval_final ' +
    'percentile_cont_interval_multi_final percentile_disc_final percentile_disc_multi_final ' +
    'phraseto_tsquery pi plainto_tsquery point polygon popen position postgresql_fdw_validator pow ' +
    'power prsd_end querytree quote_ident quote_literal quote_nullable radians radius ' +
    'range_agg_finalfn range_cmp range_gist_consistent range_gist_union range_intersect_agg_transfn ' +
    'range_merge rank_final regclass regexp_count regexp_instr regexp_like regexp_match ' +
    'regexp_matches regexp_replace regexp_split_to_array regexp_split_to_table regexp_substr repeat ' +
    'replace reverse right round row_security_active row_to_json rpad rtrim satisfies_hash_partition ' +
    'scale schema_to_xml schema_to_xml_and_xmlschema schema_to_xmlschema session_user set_bit ' +
    'set_byte set_masklen setweight sha224 sha256 sha384 sha512 shell_in shell_out ' +
    'shift_jis_2004_to_euc_jis_2004 shift_jis_2004_to_utf8 shobj_description sign similar_escape ' +
    'similar_to_escape sin sind sinh sjis_to_euc_jp sjis_to_mic sjis_to_utf8 slope ' +
    'spg_bbox_quad_config spg_box_quad_choose spg_box_quad_config spg_box_quad_inner_consistent ' +
    'spg_box_quad_leaf_consistent spg_box_quad_picksplit spg_kd_choose spg_kd_config ' +
    'spg_kd_inner_consistent spg_kd_picksplit spg_poly_quad_compress spg_quad_choose spg_quad_config ' +
    'spg_quad_inner_consistent spg_quad_leaf_consistent spg_quad_picksplit spg_range_quad_choose ' +
    'spg_range_quad_config spg_range_quad_inner_consistent spg_range_quad_leaf_consistent ' +
    'spg_range_quad_picksplit spg_text_choose spg_text_config spg_text_inner_consistent ' +
    'spg_text_leaf_consistent spg_text_picksplit split_part sqrt statement_timestamp ' +
    'string_agg_finalfn string_to_array string_to_table strip strpos substr substring table_to_xml ' +
    'table_to_xml_and_xmlschema table_to_xmlschema tan tand tanh text text_larger text_smaller ' +
    'textlen tidlarger tidsmaller time time_cmp time_hash time_hash_extended time_larger ' +
    'time_smaller timestamp timestamp_cmp timestamp_cmp_date timestamp_cmp_timestamptz ' +
    'timestamp_hash timestamp_hash_extended timestamp_larger timestamp_smaller timestamp_sortsupport ' +
    'timestamptz timestamptz_cmp timestamptz_cmp_date timestamptz_cmp_timestamp timestamptz_larger ' +
    'timestamptz_smaller timetz timetz_cmp timetz_hash timetz_hash_extended timetz_larger ' +
    'timetz_smaller timezone to_ascii to_char to_date to_hex to_json to_jsonb to_number to_regclass ' +
    'to_regcollation to_regnamespace to_regoper to_regoperator to_regproc to_regprocedure to_regrole ' +
    'to_regtype to_timestamp to_tsquery to_tsvector transaction_timestamp translate trim_array ' +
    'trim_scale trunc ts_debug ts_delete ts_filter ts_headline ts_lexize ts_parse ts_rank ts_rank_cd ' +
    'ts_token_type tsmultirange tsquery_cmp tsquery_phrase tsrange tsrange_subdiff tstzmultirange ' +
    'tstzrange tstzrange_subdiff tsvector_cmp tsvector_to_array txid_current ' +
    'txid_current_if_assigned txid_current_snapshot txid_snapshot_xip txid_snapshot_xmax ' +
    'txid_snapshot_xmin txid_visible_in_snapshot uhc_to_utf8 unistr unnest upper upper_inc upper_inf ' +
    'utf8_to_big5 utf8_to_euc_cn utf8_to_euc_jis_2004 utf8_to_euc_jp utf8_to_euc_kr utf8_to_euc_tw ' +
    'utf8_to_gb18030 utf8_to_gbk utf8_to_iso8859 utf8_to_iso8859_1 utf8_to_johab utf8_to_koi8r ' +
    'utf8_to_koi8u utf8_to_shift_jis_2004 utf8_to_sjis utf8_to_uhc utf8_to_win uuid_cmp uuid_hash ' +
    'uuid_hash_extended uuid_sortsupport varbit varbitcmp varchar version websearch_to_tsquery width ' +
    'width_bucket win1250_to_latin2 win1250_to_mic win1251_to_iso win1251_to_koi8r win1251_to_mic ' +
    'win1251_to_win866 win866_to_iso win866_to_koi8r win866_to_mic win866_to_win1251 win_to_utf8 xid ' +
    'xid8_larger xid8_smaller xid8cmp xml xml_is_well_formed xml_is_well_formed_content ' +
    'xml_is_well_formed_document xmlcomment xmlconcat2 xmlexists xmlvalidate xpath xpath_exists '
  )
    .trim()
    .split(' '),
);

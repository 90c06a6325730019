// The clouds' own sample records, written out as data, each with the page it is from. The
// readers are tested on them as the documentation prints them.

/**
 * AWS "Flow log record examples", https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-records-examples.html:
 * the default-format examples (accepted and rejected traffic, no data and skipped records, security
 * group and network ACL rules, IPv6 traffic).
 */
export const AWS_DEFAULT_SAMPLES = [
  '2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK',
  '2 123456789010 eni-1235b8ca123456789 172.31.9.69 172.31.9.12 49761 3389 6 20 4249 1418530010 1418530070 REJECT OK',
  '2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA',
  '2 123456789010 eni-11111111aaaaaaaaa - - - - - - - 1431280876 1431280934 - SKIPDATA',
  '2 123456789010 eni-1235b8ca123456789 203.0.113.12 172.31.16.139 0 0 1 4 336 1432917027 1432917142 ACCEPT OK',
  '2 123456789010 eni-1235b8ca123456789 172.31.16.139 203.0.113.12 0 0 1 4 336 1432917094 1432917142 REJECT OK',
  '2 123456789010 eni-1235b8ca123456789 2001:db8:1234:a100:8d6e:3477:df66:f105 2001:db8:1234:a102:3304:8879:34cf:4071 34892 22 6 54 8855 1477913708 1477913820 ACCEPT OK',
];

/** The same page, "TCP flag sequence": a custom format, and its records (one with two spaces, as printed). */
export const AWS_TCP_FLAGS_FORMAT =
  'version vpc-id subnet-id instance-id interface-id account-id type srcaddr dstaddr srcport dstport pkt-srcaddr pkt-dstaddr protocol bytes packets start end action tcp-flags log-status';
export const AWS_TCP_FLAGS_SAMPLES = [
  '3 vpc-abcdefab012345678 subnet-aaaaaaaa012345678 i-01234567890123456 eni-1235b8ca123456789 123456789010 IPv4 52.213.180.42 10.0.0.62 43416 5001 52.213.180.42 10.0.0.62 6 568 8 1566848875 1566848933 ACCEPT 2 OK',
  '3 vpc-abcdefab012345678 subnet-aaaaaaaa012345678 i-01234567890123456 eni-1235b8ca123456789 123456789010 IPv4 10.0.0.62 52.213.180.42 5001 43416 10.0.0.62 52.213.180.42 6 376 7 1566848875 1566848933 ACCEPT 18 OK',
  '3 vpc-abcdefab012345678 subnet-aaaaaaaa012345678 i-01234567890123456 eni-1235b8ca123456789 123456789010 IPv4 52.213.180.42 10.0.0.62 43418 5001 52.213.180.42 10.0.0.62 6 100701 70 1566848875 1566848933 ACCEPT 2 OK',
  '3 vpc-abcdefab012345678 subnet-aaaaaaaa012345678 i-01234567890123456 eni-1235b8ca123456789 123456789010 IPv4 10.0.0.62 52.213.180.42 5001 43418 10.0.0.62 52.213.180.42 6 632 12 1566848875 1566848933 ACCEPT 18 OK',
  '3 vpc-abcdefab012345678 subnet-aaaaaaaa012345678 i-01234567890123456 eni-1235b8ca123456789 123456789010 IPv4 10.0.0.62 52.213.180.42 5001 43418 10.0.0.62 52.213.180.42 6 63388 1219 1566848933 1566849113 ACCEPT 1 OK',
  '3 vpc-abcdefab012345678 subnet-aaaaaaaa012345678 i-01234567890123456 eni-1235b8ca123456789 123456789010 IPv4 52.213.180.42 10.0.0.62 43418 5001 52.213.180.42 10.0.0.62 6 23294588 15774 1566848933 1566849113 ACCEPT 1 OK',
  '3 vpc-abcdefab012345678 subnet-aaaaaaaa012345678 i-01234567890123456 eni-1235b8ca123456789 123456789010 IPv4 52.213.180.42 10.0.0.62 43638 5001 52.213.180.42 10.0.0.62 6 1260 17 1566933133 1566933193 ACCEPT 3 OK',
  '3 vpc-abcdefab012345678 subnet-aaaaaaaa012345678 i-01234567890123456 eni-1235b8ca123456789 123456789010 IPv4 10.0.0.62 52.213.180.42 5001 43638  10.0.0.62 52.213.180.42 6 967 14 1566933133 1566933193 ACCEPT 19 OK',
];

/**
 * The same page, "Traffic through a NAT gateway": a format without ports, protocol or action,
 * which the evidence cannot use. The page's trailing annotations (`#Traffic from ...`) are prose,
 * not log text, and are left out.
 */
export const AWS_NAT_FORMAT = 'instance-id interface-id srcaddr dstaddr pkt-srcaddr pkt-dstaddr';
export const AWS_NAT_SAMPLES = [
  '- eni-1235b8ca123456789 10.0.1.5 10.0.0.220 10.0.1.5 203.0.113.5',
  '- eni-1235b8ca123456789 10.0.0.220 203.0.113.5 10.0.0.220 203.0.113.5',
  '- eni-1235b8ca123456789 203.0.113.5 10.0.0.220 203.0.113.5 10.0.0.220',
  '- eni-1235b8ca123456789 10.0.0.220 10.0.1.5 203.0.113.5 10.0.1.5',
];

/** The same page, "Traffic through a transit gateway": a custom format with pkt-srcaddr and pkt-dstaddr. */
export const AWS_TGW_FORMAT =
  'version interface-id account-id vpc-id subnet-id instance-id srcaddr dstaddr srcport dstport protocol tcp-flags type pkt-srcaddr pkt-dstaddr action log-status';
export const AWS_TGW_SAMPLES = [
  '3 eni-33333333333333333 123456789010 vpc-abcdefab012345678 subnet-22222222bbbbbbbbb i-01234567890123456 10.20.33.164 10.40.2.236 39812 80 6 3 IPv4 10.20.33.164 10.40.2.236 ACCEPT OK',
  '3 eni-33333333333333333 123456789010 vpc-abcdefab012345678 subnet-22222222bbbbbbbbb i-01234567890123456 10.40.2.236 10.20.33.164 80 39812 6 19 IPv4 10.40.2.236 10.20.33.164 ACCEPT OK',
  '3 eni-11111111111111111 123456789010 vpc-abcdefab012345678 subnet-11111111aaaaaaaaa - 10.40.1.175 10.40.2.236 39812 80 6 3 IPv4 10.20.33.164 10.40.2.236 ACCEPT OK',
  '3 eni-22222222222222222 123456789010 vpc-abcdefab012345678 subnet-22222222bbbbbbbbb - 10.40.2.236 10.40.2.31 80 39812 6 19 IPv4 10.40.2.236 10.20.33.164 ACCEPT OK',
];

/** The same page, "Service name, traffic path, and flow direction": version 5 fields. */
export const AWS_V5_FORMAT =
  'version srcaddr dstaddr srcport dstport protocol start end type packets bytes account-id vpc-id subnet-id instance-id interface-id region az-id sublocation-type sublocation-id action tcp-flags pkt-srcaddr pkt-dstaddr pkt-src-aws-service pkt-dst-aws-service traffic-path flow-direction log-status';
export const AWS_V5_SAMPLES = [
  '5 52.95.128.179 10.0.0.71 80 34210 6 1616729292 1616729349 IPv4 14 15044 123456789012 vpc-abcdefab012345678 subnet-aaaaaaaa012345678 i-0c50d5961bcb2d47b eni-1235b8ca123456789 ap-southeast-2 apse2-az3 - - ACCEPT 19 52.95.128.179 10.0.0.71 S3 - - ingress OK',
  '5 10.0.0.71 52.95.128.179 34210 80 6 1616729292 1616729349 IPv4 7 471 123456789012 vpc-abcdefab012345678 subnet-aaaaaaaa012345678 i-0c50d5961bcb2d47b eni-1235b8ca123456789 ap-southeast-2 apse2-az3 - - ACCEPT 3 10.0.0.71 52.95.128.179 - S3 8 egress OK',
];

/** "Publish flow logs to Amazon S3", https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3.html: a --log-format string. */
export const AWS_S3_LOG_FORMAT =
  '${version} ${vpc-id} ${subnet-id} ${instance-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${tcp-flags} ${type} ${pkt-srcaddr} ${pkt-dstaddr}';

/**
 * Azure "Virtual network flow logs", https://learn.microsoft.com/azure/network-watcher/vnet-flow-logs-overview:
 * the sample log record (flow log version 4).
 */
export const AZURE_VNET_SAMPLE = {
  records: [
    {
      time: '2022-09-14T09:00:52.5625085Z',
      flowLogVersion: 4,
      flowLogGUID: 'abcdef01-2345-6789-0abc-def012345678',
      macAddress: '00224871C205',
      category: 'FlowLogFlowEvent',
      flowLogResourceID:
        '/SUBSCRIPTIONS/00000000-0000-0000-0000-000000000000/RESOURCEGROUPS/NETWORKWATCHERRG/PROVIDERS/MICROSOFT.NETWORK/NETWORKWATCHERS/NETWORKWATCHER_EASTUS2EUAP/FLOWLOGS/VNETFLOWLOG',
      targetResourceID:
        '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/myResourceGroup/providers/Microsoft.Network/virtualNetworks/myVNet',
      operationName: 'FlowLogFlowEvent',
      flowRecords: {
        flows: [
          {
            aclID: '00000000-1234-abcd-ef00-c1c2c3c4c5c6',
            flowGroups: [
              {
                rule: 'DefaultRule_AllowInternetOutBound',
                flowTuples: [
                  '1663146003599,10.0.0.6,52.239.184.180,23956,443,6,O,B,NX,0,0,0,0',
                  '1663146003606,10.0.0.6,52.239.184.180,23956,443,6,O,E,NX,3,767,2,1580',
                  '1663146003637,10.0.0.6,40.74.146.17,22730,443,6,O,B,NX,0,0,0,0',
                  '1663146003640,10.0.0.6,40.74.146.17,22730,443,6,O,E,NX,3,705,4,4569',
                  '1663146004251,10.0.0.6,40.74.146.17,22732,443,6,O,B,NX,0,0,0,0',
                  '1663146004251,10.0.0.6,40.74.146.17,22732,443,6,O,E,NX,3,705,4,4569',
                  '1663146004622,10.0.0.6,40.74.146.17,22734,443,6,O,B,NX,0,0,0,0',
                  '1663146004622,10.0.0.6,40.74.146.17,22734,443,6,O,E,NX,2,134,1,108',
                  '1663146017343,10.0.0.6,104.16.218.84,36776,443,6,O,B,NX,0,0,0,0',
                  '1663146022793,10.0.0.6,104.16.218.84,36776,443,6,O,E,NX,22,2217,33,32466',
                ],
              },
            ],
          },
          {
            aclID: '01020304-abcd-ef00-1234-102030405060',
            flowGroups: [
              {
                rule: 'BlockHighRiskTCPPortsFromInternet',
                flowTuples: [
                  '1663145998065,101.33.218.153,10.0.0.6,55188,22,6,I,D,NX,0,0,0,0',
                  '1663146005503,192.241.200.164,10.0.0.6,35276,119,6,I,D,NX,0,0,0,0',
                ],
              },
              {
                rule: 'Internet',
                flowTuples: [
                  '1663145989563,20.106.221.10,10.0.0.6,50557,44357,6,I,D,NX,0,0,0,0',
                  '1663145989679,20.55.117.81,10.0.0.6,62797,35945,6,I,D,NX,0,0,0,0',
                  '1663145989709,20.55.113.5,10.0.0.6,51961,65515,6,I,D,NX,0,0,0,0',
                  '1663145990049,13.65.224.51,10.0.0.6,40497,40129,6,I,D,NX,0,0,0,0',
                  '1663145990145,20.55.117.81,10.0.0.6,62797,30472,6,I,D,NX,0,0,0,0',
                  '1663145990175,20.55.113.5,10.0.0.6,51961,28184,6,I,D,NX,0,0,0,0',
                  '1663146015545,20.106.221.10,10.0.0.6,50557,31244,6,I,D,NX,0,0,0,0',
                ],
              },
            ],
          },
        ],
      },
    },
  ],
};

/** The same page, "Log tuple and bandwidth calculation": tuples of one TCP conversation (begin without counts). */
export const AZURE_VNET_BANDWIDTH_TUPLES = [
  '1493763938,185.170.185.105,10.2.0.4,35370,23,6,I,B,NX,,,,',
  '1493695838,185.170.185.105,10.2.0.4,35370,23,6,I,C,NX,1021,588096,8005,4610880',
  '1493696138,185.170.185.105,10.2.0.4,35370,23,6,I,E,NX,52,29952,47,27072',
];

const NSG_RESOURCE =
  '/SUBSCRIPTIONS/aaaa0a0a-bb1b-cc2c-dd3d-eeeeee4e4e4e/RESOURCEGROUPS/FABRIKAMRG/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/FABRIAKMVM1-NSG';

/**
 * Azure "Flow logging for network security groups", https://learn.microsoft.com/azure/network-watcher/nsg-flow-logs-overview:
 * the version 2 sample.
 */
export const AZURE_NSG_V2_SAMPLE = {
  records: [
    {
      time: '2018-11-13T12:00:35.3899262Z',
      systemId: '66aa66aa-bb77-cc88-dd99-00ee00ee00ee',
      category: 'NetworkSecurityGroupFlowEvent',
      resourceId: NSG_RESOURCE,
      operationName: 'NetworkSecurityGroupFlowEvents',
      properties: {
        Version: 2,
        flows: [
          {
            rule: 'DefaultRule_DenyAllInBound',
            flows: [
              {
                mac: '000D3AF87856',
                flowTuples: [
                  '1542110402,192.0.2.190,10.5.16.4,28746,443,U,I,D,B,,,,',
                  '1542110424,203.0.113.10,10.5.16.4,56509,59336,T,I,D,B,,,,',
                  '1542110432,198.51.100.8,10.5.16.4,48495,8088,T,I,D,B,,,,',
                ],
              },
            ],
          },
          {
            rule: 'DefaultRule_AllowInternetOutBound',
            flows: [
              {
                mac: '000D3AF87856',
                flowTuples: [
                  '1542110377,10.5.16.4,203.0.113.118,59831,443,T,O,A,B,,,,',
                  '1542110379,10.5.16.4,203.0.113.117,59932,443,T,O,A,E,1,66,1,66',
                  '1542110379,10.5.16.4,203.0.113.115,44931,443,T,O,A,C,30,16978,24,14008',
                  '1542110406,10.5.16.4,198.51.100.225,59929,443,T,O,A,E,15,8489,12,7054',
                ],
              },
            ],
          },
        ],
      },
    },
    {
      time: '2018-11-13T12:01:35.3918317Z',
      systemId: '66aa66aa-bb77-cc88-dd99-00ee00ee00ee',
      category: 'NetworkSecurityGroupFlowEvent',
      resourceId: NSG_RESOURCE,
      operationName: 'NetworkSecurityGroupFlowEvents',
      properties: {
        Version: 2,
        flows: [
          {
            rule: 'DefaultRule_DenyAllInBound',
            flows: [
              {
                mac: '000D3AF87856',
                flowTuples: [
                  '1542110437,125.64.94.197,10.5.16.4,59752,18264,T,I,D,B,,,,',
                  '1542110475,80.211.72.221,10.5.16.4,37433,8088,T,I,D,B,,,,',
                  '1542110487,46.101.199.124,10.5.16.4,60577,8088,T,I,D,B,,,,',
                  '1542110490,176.119.4.30,10.5.16.4,57067,52801,T,I,D,B,,,,',
                ],
              },
            ],
          },
        ],
      },
    },
  ],
};

const nsgV1Record = (time: string, denied: string[], allowed: string[]) => ({
  time,
  systemId: '55ff55ff-aa66-bb77-cc88-99dd99dd99dd',
  category: 'NetworkSecurityGroupFlowEvent',
  resourceId: NSG_RESOURCE,
  operationName: 'NetworkSecurityGroupFlowEvents',
  properties: {
    Version: 1,
    flows: [
      { rule: 'DefaultRule_DenyAllInBound', flows: [{ mac: '000D3AF8801A', flowTuples: denied }] },
      { rule: 'UserRule_default-allow-rdp', flows: [{ mac: '000D3AF8801A', flowTuples: allowed }] },
    ],
  },
});

// The sample's first two records; the page prints them again inside its nested document.
const V1_FIRST = nsgV1Record(
  '2017-02-16T22:00:32.8950000Z',
  ['1487282421,192.0.2.95,10.1.0.4,51529,5358,T,I,D'],
  [
    '1487282370,192.0.2.17,10.1.0.4,61771,3389,T,I,A',
    '1487282393,203.0.113.34,10.1.0.4,58596,3389,T,I,A',
    '1487282393,192.0.2.154,10.1.0.4,61540,3389,T,I,A',
    '1487282423,203.0.113.229,10.1.0.4,53163,3389,T,I,A',
  ],
);
const V1_SECOND = nsgV1Record(
  '2017-02-16T22:01:32.8960000Z',
  ['1487282481,198.51.100.194,10.1.0.4,53,1732,U,I,D'],
  [
    '1487282435,198.51.100.68,10.1.0.4,57776,3389,T,I,A',
    '1487282454,203.0.113.170,10.1.0.4,59085,3389,T,I,A',
    '1487282477,192.0.2.50,10.1.0.4,65078,3389,T,I,A',
  ],
);

/**
 * The same page, the version 1 sample, as printed: its third element of `records` is not a
 * record but another `{ "records": [...] }` document (three records) nested inside the first.
 */
export const AZURE_NSG_V1_SAMPLE = {
  records: [
    V1_FIRST,
    V1_SECOND,
    {
      records: [
        V1_FIRST,
        V1_SECOND,
        nsgV1Record(
          '2017-02-16T22:02:32.9040000Z',
          ['1487282492,203.0.113.29,10.1.0.4,28918,5358,T,I,D', '1487282505,192.0.2.55,10.1.0.4,8080,8080,T,I,D'],
          ['1487282512,192.0.2.154,10.1.0.4,59046,3389,T,I,A'],
        ),
      ],
    },
  ],
};

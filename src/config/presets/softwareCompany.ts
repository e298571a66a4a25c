import type { RoleplayConfig } from '../schema.js';

/** The seed notebook's company: seven roles, nine artifacts, eight conversations, four phases. */
export const softwareCompany = {
  task: 'I want a to create users in my application!',
  workflow: {
    description: 'You will roleplay roles of a software company with a typical waterflow-based development workflow.',
    roles: [
      {
        name: 'CEO',
        description:
          'You are the CEO of the company.\nYou take the initial task from the customer and understand business value, rough time estimation, needed resources etc.',
      },
      {
        name: 'CPO',
        description:
          'You are the CPO of the company.\nYou understand the project of the customer from a business perspective\nand define requirements that the CTO can translate to technical tasks.',
      },
      {
        name: 'CTO',
        description:
          'You are the CTO of the company.\nYou understand the project from a technical perspective and represent the bridge between\nthe technical team and the business roles CEO, CPO and Customer.',
      },
      {
        name: 'Programmer',
        description:
          "You are an intermediate programmer.\nYou can program really well, but not perfect. You don't understand all best practices yet,\nbut the code you produce works and is solid.",
      },
      {
        name: 'Designer',
        description:
          'You are a software designer.\nYou understand software architecture well, understand UX and a lot of business properties\nof software as well as common best practices.',
      },
      {
        name: 'Reviewer',
        description:
          'You are a code reviewer.\nYou understand code from the inside out and can spot problems with an implementation.\nYou write review tasks that the programmer can then use to improve the code.',
      },
      {
        name: 'Tester',
        description:
          'You are a software tester.\nYou test code, uncover and problems that the programmer can resolve.\nYou write test concepts that the programmer can implement.',
      },
    ],
    artifacts: [
      {
        name: 'Task',
        description: 'The business task as defined by the customer. It should be realised as a software product or feature.',
      },
      {
        name: 'Modalities',
        description:
          'The modalities of the task as defined by CEO and CPO. It defines the time for development, the budget,\nhuman resource costs and similar constraints.',
      },
      {
        name: 'Language',
        description: 'The use cases of the task defined in human language which can be translated between\nbusiness and technical department easily.',
      },
      {
        name: 'Code',
        description: 'The code as written by the programmer. It is yet to be designed, reviewed and tested.',
      },
      {
        name: 'Designed Code',
        description:
          'The code as enhanced by the designer. It takes into account architecturial decisions\nand things like UX, best practices etc. It is yet to be reviewed and tested.',
      },
      {
        name: 'Reviewed Code',
        description: 'The reviewed code containing a list of review items and applied corrections. It is yet to be tested.',
      },
      {
        name: 'Tested Code',
        description: 'The tested code containing the finished code and proper tests. It is ready to be deployed.',
      },
      {
        name: 'Specification',
        description:
          'The technical specification of the implemented code. It declares technical aspects\nfor future programmers and can be translated to a manual.',
      },
      {
        name: 'Manual',
        description:
          'A manual written for the customer so that they know how to properly use the changes made\nand can forward integrations to other departments or companies.',
      },
    ],
    conversations: [
      {
        name: 'Design (Modalities)',
        description: 'The task given by the customer is analyzed and the respective modalities are created.',
        lead: 'CEO',
        assistant: 'CPO',
        input: 'Task',
        output: 'Modalities',
      },
      {
        name: 'Design (Language)',
        description: 'From the task and modalities specific use-cases are created that help the technical\nteam to form working code from them.',
        lead: 'CEO',
        assistant: 'CTO',
        input: 'Modalities',
        output: 'Language',
      },
      {
        name: 'Coding (Code)',
        description:
          'The initial implementation of the given use-cases realized as code.\nThe code is not perfect yet, but it works.\nThe code is always written in Python.',
        lead: 'CTO',
        assistant: 'Programmer',
        input: 'Language',
        output: 'Code',
      },
      {
        name: 'Coding (Design)',
        description:
          'The given code is analyzed for common architecturial problems and\nimproved upon. Best practices are discussed and implemented by the programmer.',
        lead: 'Programmer',
        assistant: 'Designer',
        input: 'Code',
        output: 'Designed Code',
      },
      {
        name: 'Testing (Review)',
        description: 'The completed code is reviewed for common code problems, errors\nand best practice problems. The programmer resolves problems.',
        lead: 'Programmer',
        assistant: 'Reviewer',
        input: 'Designed Code',
        output: 'Reviewed Code',
      },
      {
        name: 'Testing (Test)',
        description:
          'The given code is tested if it contains all business cases. Tests are written\nby the programmer by the test concept given by the tester.',
        lead: 'Programmer',
        assistant: 'Tester',
        input: 'Reviewed Code',
        output: 'Tested Code',
      },
      {
        name: 'Documenting (Specification)',
        description:
          'A technical specification is created that covers all aspects of the code\nso that following programmers and technical people can fully understand\nwhat it is doing.',
        lead: 'CTO',
        assistant: 'Programmer',
        input: 'Tested Code',
        output: 'Specification',
      },
      {
        name: 'Documenting (Manual)',
        description:
          'A business documentation is created for the customer. It explains\nwhat was implemented on a business level, which use-cases are covered\nand how integration into other systems can be done.',
        lead: 'CEO',
        assistant: 'CPO',
        input: 'Specification',
        output: 'Manual',
      },
    ],
    phases: [
      {
        name: 'Designing',
        description:
          'The task is provided by the customer and business modalities\nand use-cases are created for the technical team to implement them properly.',
        conversations: ['Design (Modalities)', 'Design (Language)'],
      },
      {
        name: 'Coding',
        description: 'The coding phase. Here the actual code implementation is created.',
        conversations: ['Coding (Code)', 'Coding (Design)'],
      },
      {
        name: 'Testing',
        description: 'The testing phase. The implementation is reviewed and tested properly\nso that it checks all quality marks.',
        conversations: ['Testing (Review)', 'Testing (Test)'],
      },
      {
        name: 'Documenting',
        description:
          'The implementation is documented for technical and business people\nso that it can be understood for future extensions, business usage and business integrations.',
        conversations: ['Documenting (Specification)', 'Documenting (Manual)'],
      },
    ],
  },
} satisfies RoleplayConfig;
